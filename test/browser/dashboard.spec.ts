import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  ADMIN_PASSWORD,
  chromiumAvailable,
  DESKTOP,
  gotoApp,
  horizontalOverflow,
  Netwatch,
  openContext,
  PageOptions,
  PHONE,
  screenshot,
  seriousA11yViolations,
  settle,
  Site,
  startServiceAndBrowser,
  startSite,
  testId,
  until,
} from './support';
import { scaleSuite } from './scale.suite';

/**
 * Issue 9's end-to-end path in headless Chromium against the running service: sign in, the
 * overview updating by itself while a loopback website fails and recovers, the failing service's
 * detail, acknowledging the incident the engine opened, an import with a row error, a report
 * download, the language switch, a unit-scoped viewer, the public status page, and layout and
 * accessibility checks of every main page at desktop and phone width.
 */
const canRun = chromiumAvailable();
const describeBrowser = canRun ? describe : describe.skip;
// A busy machine makes a browser step slow; each wait inside has its own, tighter limit.
jest.setTimeout(120_000);

/** The website the test breaks: a loopback HTTP server, checked every 10 s. */
const HOSTNAME = 'congthu.e2e.test';
const SERVICE_NAME = 'Cổng dịch vụ công thử nghiệm';
/** Shared services on the public page: three from the example inventory and ours. */
const PUBLIC_SERVICES = [
  'website:www.lamdong.gov.vn',
  'public_service:dichvucong.lamdong.gov.vn',
  'mail_domain:lamdong.gov.vn',
  `website:${HOSTNAME}`,
];
const PUBLIC_NAMES = [
  'Cổng thông tin điện tử tỉnh Lâm Đồng',
  'Hệ thống thông tin giải quyết thủ tục hành chính tỉnh',
  'Hệ thống thư điện tử công vụ tỉnh',
  SERVICE_NAME,
];
const IPV4 = /\b\d{1,3}(\.\d{1,3}){3}\b/;
// Four or more colon groups, or a "::": not a time of day like 23:19:09.
const IPV6 = /\b([0-9a-f]{1,4}:){4,7}[0-9a-f]{1,4}\b|[0-9a-f]*::[0-9a-f]*/i;

interface Incident {
  id: string;
  number: number;
  title: string;
  status: string;
  acknowledgedAt: string | null;
}
interface CheckRow {
  id: string;
  kind: string;
  state: string;
  objectId: string | null;
}

/** Websites: DNSSEC plus plain HTTP over IPv4 every 10 s (the minimum), down after one failure. */
function fastWebsiteChecks(objects: Record<string, unknown>): void {
  objects.website = [
    { kind: 'dnssec' },
    {
      kind: 'http',
      families: [4],
      intervalSeconds: 10,
      timeoutMs: 3000,
      failureThreshold: 1,
      successThreshold: 1,
    },
  ];
}

describeBrowser('dashboard in Chromium against the running service', () => {
  let nw: Netwatch;
  let site: Site;
  let browser: Browser;
  let serviceId = '';
  let incident: Incident | undefined;
  const contexts: BrowserContext[] = [];

  const httpCheck = async (): Promise<CheckRow | undefined> => {
    const page = await nw.api<{ items: CheckRow[] }>(
      'GET',
      `/api/status/checks?objectType=service&objectId=${serviceId}&kind=http`,
    );
    return page.items[0];
  };
  const openIncident = async (): Promise<Incident | undefined> => {
    const list = await nw.api<{ items: Incident[] }>(
      'GET',
      `/api/incidents?status=open,acknowledged,investigating,mitigated&limit=50`,
    );
    return list.items.find((i) => i.title.includes(HOSTNAME));
  };

  beforeAll(async () => {
    site = await startSite();
    ({ nw, browser } = await startServiceAndBrowser({
      loadExample: true,
      checks: fastWebsiteChecks,
      env: { NETWATCH_PUBLIC_STATUS_SERVICES: PUBLIC_SERVICES.join(',') },
    }));
    const units = await nw.api<{ items: { id: string; code: string }[] }>(
      'GET',
      '/api/units?q=STTTT&limit=50',
    );
    const unit = units.items.find((u) => u.code === 'STTTT');
    if (!unit) throw new Error('the example inventory has no unit STTTT');
    const service = await nw.api<{ id: string }>('POST', '/api/services', {
      body: {
        kind: 'website',
        hostname: HOSTNAME,
        name: SERVICE_NAME,
        url: site.url,
        unitId: unit.id,
        criticality: 'low',
      },
    });
    serviceId = service.id;
    // Its HTTP check appears (sync every second) and passes once before anything breaks.
    await until(
      'the HTTP check of the loopback website to be up',
      async () => ((await httpCheck())?.state === 'up' ? true : undefined),
      90_000,
      nw.log,
    );
  }, 240_000);

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
    const crash = nw?.crash();
    if (crash) throw new Error(crash);
  });

  afterAll(async () => {
    await browser?.close();
    await nw?.stop();
    await site?.close();
  });

  /** A fresh context; signed in as the admin unless `token: ''`. */
  async function open(options: PageOptions = {}): Promise<{ page: Page; errors: string[] }> {
    const { context, page, errors } = await openContext(browser, {
      token: nw.token,
      ...options,
    });
    contexts.push(context);
    return { page, errors };
  }

  const downCount = async (page: Page): Promise<number> =>
    Number(
      (
        await testId(page, 'overview-counts').locator('[data-state="down"] strong').innerText()
      ).replace(/\D/g, ''),
    );

  it('signs in with the keyboard only; a wrong password shows an error', async () => {
    const { page, errors } = await open({ token: '' });
    await page.goto(`${nw.base}/`);
    await page.locator('#username').waitFor();
    await page.locator('#username').focus();
    await page.keyboard.type('admin');
    await page.keyboard.press('Tab');
    await page.keyboard.type('not-the-password');
    await page.keyboard.press('Enter');
    const alert = page.locator('.login [role="alert"]');
    await alert.waitFor();
    expect(await alert.innerText()).toContain('Sai tên đăng nhập hoặc mật khẩu');
    await screenshot(page, 'login-error');

    // Still on the form: clear the password field and sign in properly, keyboard only.
    await page.locator('#password').focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await page.keyboard.type(ADMIN_PASSWORD);
    await page.keyboard.press('Enter');
    await page.locator('header.top').waitFor();
    await page.locator('#page-title').waitFor();
    // An admin sees every section, in Vietnamese.
    const nav = await page.locator('header.top nav a').allInnerTexts();
    expect(nav).toEqual(['Tổng quan', 'Bảng điểm', 'Sự cố', 'Danh mục', 'Báo cáo', 'Quản trị']);
    expect(errors).toEqual([]);
  });

  it('overview: counts, and the website failing shows up live (no reload) with its incident', async () => {
    const { page, errors } = await open();
    await gotoApp(page, nw.base, '/?state=down');
    await testId(page, 'overview-counts').waitFor();
    await testId(page, 'overview-tree').waitFor();
    const total = await nw.api<{ total: number; counts: Record<string, number> }>(
      'GET',
      '/api/status/summary',
    );
    const before = await downCount(page);
    expect(before).toBe(total.counts.down ?? 0);
    // A marker a reload would wipe.
    await page.evaluate(() => {
      (globalThis as unknown as { stillSamePage: boolean }).stillSamePage = true;
    });

    site.failing = true;
    // The list of down checks gains the website's HTTP check, linking to the service.
    const link = testId(page, 'overview-state-list').locator(
      `a[href="#/objects/service/${serviceId}"]`,
    );
    await link.first().waitFor({ timeout: 60_000 });
    await until('the down count to grow', async () =>
      (await downCount(page)) > before ? true : undefined,
    );
    // The engine opened an incident; the open-incident panel lists it, still without reload.
    incident = await until('an incident for the website', openIncident, 60_000, nw.log);
    await testId(page, 'overview-incidents')
      .locator(`a[href="#/incidents/${incident.id}"]`)
      .waitFor({ timeout: 30_000 });
    expect(
      await page.evaluate(
        () => (globalThis as unknown as { stillSamePage?: boolean }).stillSamePage,
      ),
    ).toBe(true);
    expect(await testId(page, 'updated-at').innerText()).toMatch(/Cập nhật lúc/);
    await settle(page);
    await screenshot(page, 'overview-failing');
    expect(errors).toEqual([]);
  });

  it('object detail of the failing service: its HTTP check is down, with history', async () => {
    const { page, errors } = await open();
    await gotoApp(page, nw.base, '/?state=down');
    await testId(page, 'overview-state-list')
      .locator(`a[href="#/objects/service/${serviceId}"]`)
      .first()
      .click();
    await page.waitForURL(`**/#/objects/service/${serviceId}`);
    await page.locator('#page-title', { hasText: SERVICE_NAME }).waitFor();
    const checks = testId(page, 'object-checks');
    await checks.locator('.badge.state-down', { hasText: 'Lỗi' }).first().waitFor();
    expect(await checks.innerText()).toMatch(/http/i);
    // The history chart (latency/uptime) is drawn.
    await testId(page, 'object-history').locator('svg').first().waitFor();
    await testId(page, 'object-incidents').waitFor();
    await testId(page, 'object-changes').waitFor();
    await settle(page);
    await screenshot(page, 'object-detail-failing');
    expect(errors).toEqual([]);
  });

  it('acknowledges the incident from its page: the timeline and the API show it', async () => {
    if (!incident) throw new Error('no incident from the previous step');
    const { page, errors } = await open();
    await gotoApp(page, nw.base, '/incidents');
    const row = testId(page, 'incident-row').filter({ hasText: HOSTNAME });
    await row.waitFor();
    // The board's word for a new incident.
    expect(await row.innerText()).toContain('Mới phát hiện');
    await settle(page);
    await screenshot(page, 'incidents-open');
    await row.locator(`a[href="#/incidents/${incident.id}"]`).click();
    await page.waitForURL(`**/#/incidents/${incident.id}`);
    await testId(page, 'incident-ack').click();
    const timeline = testId(page, 'incident-timeline');
    await timeline.locator('li', { hasText: 'Đã tiếp nhận' }).first().waitFor();
    await until('the ack button to go', async () =>
      (await testId(page, 'incident-ack').count()) === 0 ? true : undefined,
    );
    const stored = await nw.api<Incident>('GET', `/api/incidents/${incident.id}`);
    expect(stored.status).toBe('acknowledged');
    expect(stored.acknowledgedAt).not.toBeNull();

    // A note lands in the timeline too.
    await testId(page, 'incident-note').fill('Đã liên hệ nhà cung cấp hosting.');
    await testId(page, 'incident-note-submit').click();
    await timeline.locator('li', { hasText: 'Đã liên hệ nhà cung cấp hosting.' }).waitFor();
    // Every entry reads as text (the engine's reasons are objects, not strings).
    expect(await timeline.innerText()).not.toContain('[object Object]');
    await screenshot(page, 'incident-acknowledged');
    expect(errors).toEqual([]);
  });

  it('overview: the website recovering shows up live too', async () => {
    const { page, errors } = await open();
    await gotoApp(page, nw.base, '/?state=down');
    const link = testId(page, 'overview-state-list').locator(
      `a[href="#/objects/service/${serviceId}"]`,
    );
    await link.first().waitFor();
    site.failing = false;
    await link.first().waitFor({ state: 'detached', timeout: 60_000 });
    // A low-criticality probe incident resolves itself on recovery and leaves the open list.
    if (incident)
      await testId(page, 'overview-incidents')
        .locator(`a[href="#/incidents/${incident.id}"]`)
        .waitFor({ state: 'detached', timeout: 30_000 });
    expect((await httpCheck())?.state).toBe('up');
    expect(errors).toEqual([]);
  });

  it('imports a file with a row error (named, apply disabled), then a valid file', async () => {
    const { page, errors } = await open();
    await gotoApp(page, nw.base, '/inventory/import');
    const header = 'code,kind,name,name_en,parent,description\n';
    const bad = `${header}E2E-OK,department,Ban thử nghiệm,Test board,LD,\nE2E-BAD,galaxy,Ban sai,Wrong board,LD,\n`;
    await testId(page, 'import-file').setInputFiles({
      name: 'units.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(bad),
    });
    await testId(page, 'import-dry-run').click();
    const problems = testId(page, 'import-errors');
    await problems.waitFor();
    const text = await problems.innerText();
    expect(text).toContain('units.csv');
    expect(text).toMatch(/\b3\b/); // line 3 of the file
    expect(text).toContain('kind');
    expect(await testId(page, 'import-apply').isDisabled()).toBe(true);
    await screenshot(page, 'inventory-import-errors');

    const good = `${header}E2E-OK,department,Ban thử nghiệm,Test board,LD,\nE2E-FIX,department,Ban đã sửa,Fixed board,LD,\n`;
    await testId(page, 'import-file').setInputFiles({
      name: 'units.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(good),
    });
    await testId(page, 'import-dry-run').click();
    await testId(page, 'import-diff').waitFor();
    expect(await testId(page, 'import-errors').count()).toBe(0);
    await until('apply to be enabled', async () =>
      (await testId(page, 'import-apply').isEnabled()) ? true : undefined,
    );
    await testId(page, 'import-apply').click();
    await testId(page, 'import-diff')
      .locator('h3')
      .filter({ hasNotText: /thử|dry/i })
      .waitFor();
    const units = await nw.api<{ items: { code: string }[] }>('GET', '/api/units?q=E2E-&limit=50');
    expect(units.items.map((u) => u.code).sort()).toEqual(['E2E-FIX', 'E2E-OK']);
    expect(errors).toEqual([]);
  });

  it('downloads an on-demand compliance report as a real PDF', async () => {
    const { page, errors } = await open();
    await gotoApp(page, nw.base, '/reports');
    await testId(page, 'report-runs').waitFor();
    await settle(page);
    await screenshot(page, 'reports-on-demand');
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      testId(page, 'report-on-demand').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.pdf$/);
    const path = await download.path();
    const head = readFileSync(path).subarray(0, 5).toString('latin1');
    expect(head).toBe('%PDF-');
    expect(errors).toEqual([]);
  });

  it('switches from Vietnamese (default) to English; the choice survives a reload', async () => {
    const { page } = await open();
    await gotoApp(page, nw.base, '/incidents');
    expect(await page.locator('html').getAttribute('lang')).toBe('vi');
    expect(await page.locator('#page-title').innerText()).toBe('Sự cố');
    await page.locator('.lang-switch').click();
    await page.locator('#page-title', { hasText: 'Incidents' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('header.top nav a').allInnerTexts()).toEqual([
      'Overview',
      'Scorecards',
      'Incidents',
      'Inventory',
      'Reports',
      'Admin',
    ]);
    await page.reload();
    await page.locator('#page-title', { hasText: 'Incidents' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await gotoApp(page, nw.base, '/');
    expect(await page.locator('#page-title').innerText()).toBe('Overview');
    // And back.
    await page.locator('.lang-switch').click();
    await page.locator('#page-title', { hasText: 'Tổng quan' }).waitFor();
  });

  it('a viewer scoped to a district sees only its objects and no admin menu', async () => {
    const units = await nw.api<{ items: { id: string; code: string }[] }>(
      'GET',
      '/api/units?q=H-BAOLOC&limit=50',
    );
    const district = units.items.find((u) => u.code === 'H-BAOLOC');
    if (!district) throw new Error('the example inventory has no unit H-BAOLOC');
    const password = 'viewer-bao-loc-e2e-password';
    await nw.api('POST', '/api/users', {
      body: { username: 'xem.baoloc', role: 'viewer', unitId: district.id, password },
    });
    const { page, errors } = await open({ token: '' });
    await page.goto(`${nw.base}/`);
    await page.locator('#username').fill('xem.baoloc');
    await page.locator('#password').fill(password);
    await page.locator('#password').press('Enter');
    await page.locator('#page-title').waitFor();
    const nav = await page.locator('header.top nav a').allInnerTexts();
    expect(nav).not.toContain('Quản trị');
    expect(nav).toContain('Tổng quan');

    // The overview counts only the district's checks.
    const own = await nw.api<{ total: number }>('GET', `/api/status/summary?unit=${district.id}`);
    const all = await nw.api<{ total: number }>('GET', '/api/status/summary');
    expect(own.total).toBeLessThan(all.total);
    await until('the overview total to be the district’s', async () => {
      const first = await testId(page, 'overview-counts').locator('a.stat strong').first();
      return Number((await first.innerText()).replace(/\D/g, '')) === own.total ? true : undefined;
    });

    // Its services: Bảo Lộc's site, never the province portal or our loopback website.
    await gotoApp(page, nw.base, '/inventory?type=service');
    const list = testId(page, 'inventory-list');
    await list.locator('table').waitFor();
    const text = await list.innerText();
    expect(text).toContain('baoloc.lamdong.gov.vn');
    expect(text).not.toContain('www.lamdong.gov.vn');
    expect(text).not.toContain(HOSTNAME);
    // No "new object" action for a viewer.
    expect(await testId(page, 'inventory-new').count()).toBe(0);
    await settle(page);
    await screenshot(page, 'inventory-scoped-viewer');
    // The admin page itself says no.
    await page.goto(`${nw.base}/#/admin`);
    await page.locator('#page-title').waitFor();
    expect(await testId(page, 'users-list').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('the public status page (no sign-in) lists the shared services and no addresses', async () => {
    const { page, errors } = await open({ token: '' });
    await page.goto(`${nw.base}/status`);
    const list = testId(page, 'public-status');
    await list.waitFor();
    const text = await list.innerText();
    for (const name of PUBLIC_NAMES) expect(text).toContain(name);
    expect(await list.locator('li.ps-item, li').count()).toBeGreaterThanOrEqual(
      PUBLIC_NAMES.length,
    );
    const body = await page.locator('body').innerText();
    expect(body).not.toMatch(IPV4);
    expect(body).not.toMatch(IPV6);
    expect(body).not.toContain(String(site.port));
    // Nor does the API behind it tell anyone an address or URL.
    const raw = await (await fetch(`${nw.base}/api/public/status`)).text();
    expect(raw).not.toContain('127.0.0.1');
    expect(raw).not.toContain(site.url);
    expect(raw).not.toMatch(/"(url|address|addresses|ip)"\s*:/);
    // Nothing of the signed-in app: no navigation, no sign-out.
    expect(await page.locator('header.top nav').count()).toBe(0);
    await settle(page);
    await screenshot(page, 'public-status-shared');
    expect(errors).toEqual([]);
  });

  /** The signed-in pages of the quality checks; `main`: also looked at in English. */
  async function qualityPages(
    page: Page,
  ): Promise<{ name: string; route: string; main: boolean }[]> {
    if (!incident) throw new Error('no incident from the earlier steps');
    await gotoApp(page, nw.base, '/scorecards');
    const card = await testId(page, 'scorecard-list')
      .locator('a[href^="#/scorecards/"]')
      .first()
      .getAttribute('href');
    return [
      { name: 'overview', route: '/', main: true },
      { name: 'scorecards', route: '/scorecards', main: true },
      { name: 'scorecard', route: (card ?? '#/scorecards').slice(1), main: true },
      { name: 'object-detail', route: `/objects/service/${serviceId}`, main: true },
      { name: 'incidents', route: '/incidents', main: true },
      { name: 'incident-detail', route: `/incidents/${incident.id}`, main: true },
      { name: 'inventory', route: '/inventory', main: true },
      { name: 'inventory-edit', route: `/inventory/service/${serviceId}`, main: false },
      { name: 'inventory-import', route: '/inventory/import', main: true },
      { name: 'reports', route: '/reports', main: true },
      { name: 'admin-users', route: '/admin/users', main: true },
      { name: 'admin-tokens', route: '/admin/tokens', main: false },
      { name: 'admin-channels', route: '/admin/channels', main: false },
      { name: 'admin-routes', route: '/admin/routes', main: false },
      { name: 'admin-maintenance', route: '/admin/maintenance', main: false },
      { name: 'admin-outbox', route: '/admin/outbox', main: false },
    ];
  }

  /** Screenshot, horizontal overflow and (in Vietnamese) axe of the page as it is now. */
  async function inspect(page: Page, where: string, axe: boolean, name: string): Promise<string[]> {
    const problems: string[] = [];
    await settle(page);
    await screenshot(page, name);
    const overflow = await horizontalOverflow(page);
    if (overflow > 0) problems.push(`${where}: ${overflow} px wider than the viewport`);
    if (axe) for (const v of await seriousA11yViolations(page)) problems.push(`${where}: ${v}`);
    return problems;
  }

  it.each([
    ['vi', '1280×800', DESKTOP],
    ['vi', '390×844', PHONE],
    ['en', '1280×800', DESKTOP],
    ['en', '390×844', PHONE],
  ] as const)(
    'every page (%s, %s) fits without horizontal scrolling; axe finds nothing serious',
    async (lang, _label, size) => {
      const { page, errors } = await open({ lang, viewport: size });
      const problems: string[] = [];
      for (const { name, route, main } of await qualityPages(page)) {
        if (lang === 'en' && !main) continue;
        await gotoApp(page, nw.base, route);
        const where = `${name} (#${route}) at ${size.width}×${size.height}, ${lang}`;
        problems.push(...(await inspect(page, where, lang === 'vi', name)));
      }
      expect(problems.join('\n\n')).toBe('');
      expect(errors).toEqual([]);
    },
    300_000,
  );

  it.each([
    ['vi', '1280×800', DESKTOP],
    ['vi', '390×844', PHONE],
  ] as const)(
    'the public page and the sign-in form (%s, %s) fit and pass axe',
    async (lang, _label, size) => {
      const { page, errors } = await open({ token: '', lang, viewport: size });
      const problems: string[] = [];
      for (const [name, url] of [
        ['public-status', '/status'],
        ['login', '/'],
      ]) {
        await page.goto(`${nw.base}${url}`);
        await page.locator('h1').first().waitFor();
        problems.push(
          ...(await inspect(page, `${name} (${url}) at ${size.width}×${size.height}`, true, name)),
        );
      }
      expect(problems.join('\n\n')).toBe('');
      expect(errors).toEqual([]);
    },
  );
});

// The 10,000-object instance, after the one above has stopped (two at once starve a small CI box).
if (canRun) scaleSuite();
