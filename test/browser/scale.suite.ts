import type { Browser } from 'playwright-core';
import {
  gotoApp,
  Netwatch,
  openContext,
  screenshot,
  settle,
  startServiceAndBrowser,
  testId,
  watchApiLists,
} from './support';

/**
 * "Fast with 10,000 objects": a service instance of its own holding 10,000 inventory objects
 * (seeded through the import API), whose overview and inventory pages must render while no API
 * answer they fetch carries more than one bounded page (500 items).
 */

const DISTRICTS = 20;
const COMMUNES_PER_DISTRICT = 4;
/** 1 province + 20 districts + 80 communes + 9,899 services = 10,000 objects. */
const SERVICES = 10_000 - 1 - DISTRICTS - DISTRICTS * COMMUNES_PER_DISTRICT;
const MAX_ITEMS = 500;
const SLICE = 1000;

function csvFiles(): { units: string; services: string } {
  const units = [
    'code,kind,name,name_en,parent,description',
    'P,province,Tỉnh Thử Nghiệm,Test Province,,',
  ];
  const leaves: string[] = [];
  for (let d = 1; d <= DISTRICTS; d++) {
    units.push(`D${d},district,Huyện Thử ${d},Test District ${d},P,`);
    for (let c = 1; c <= COMMUNES_PER_DISTRICT; c++) {
      units.push(`D${d}-C${c},commune,Xã Thử ${d}.${c},Test Commune ${d}.${c},D${d},`);
      leaves.push(`D${d}-C${c}`);
    }
  }
  const services = [
    'kind,hostname,name,url,unit,criticality,ipv6_required,dnssec_required,status,description',
  ];
  for (let i = 0; i < SERVICES; i++) {
    const unit = leaves[i % leaves.length];
    services.push(
      `other,s${i}.${unit.toLowerCase()}.scale.example.test,Dịch vụ số ${i},,${unit},low,true,true,active,`,
    );
  }
  return { units: `${units.join('\n')}\n`, services: `${services.join('\n')}\n` };
}

/** Registered by dashboard.spec.ts after its own suite, so the two instances never overlap. */
export function scaleSuite(): void {
  describe('dashboard with 10,000 inventory objects', () => {
    let nw: Netwatch;
    let browser: Browser;

    beforeAll(async () => {
      ({ nw, browser } = await startServiceAndBrowser({ loadExample: false, checks: leanChecks }));
      const files = csvFiles();
      // The units first, then the services in slices: each request is one all-or-nothing import
      // and stays short even on a busy machine.
      await nw.api('POST', '/api/inventory/import?file=units.csv', {
        raw: { content: files.units, type: 'text/csv' },
      });
      const [header, ...rows] = files.services.trimEnd().split('\n');
      for (let i = 0; i < rows.length; i += SLICE)
        await nw.api('POST', '/api/inventory/import?file=services.csv', {
          raw: {
            content: `${[header, ...rows.slice(i, i + SLICE)].join('\n')}\n`,
            type: 'text/csv',
          },
        });
    }, 600_000);

    afterAll(async () => {
      await browser?.close();
      await nw?.stop();
    });

    it('overview and inventory render, and no API answer they fetched holds over 500 items', async () => {
      const { context, page, errors } = await openContext(browser, { token: nw.token });
      try {
        const lists = watchApiLists(page);
        const services = await nw.api<{ total: number }>('GET', '/api/services?limit=1');
        expect(services.total).toBe(SERVICES);

        await gotoApp(page, nw.base, '/');
        await testId(page, 'overview-counts').waitFor();
        await testId(page, 'overview-tree').locator('a, button').first().waitFor();
        await settle(page);
        await screenshot(page, 'scale-overview');

        await gotoApp(page, nw.base, '/inventory?type=service');
        const rows = testId(page, 'inventory-list').locator('tbody tr');
        await rows.first().waitFor();
        expect(await rows.count()).toBeLessThanOrEqual(MAX_ITEMS);
        // The page says how many there are in all (server-side count), not how many it loaded.
        const total = SERVICES.toLocaleString('vi-VN');
        await page.locator('.inv-count', { hasText: total }).waitFor();
        await testId(page, 'inventory-tree').waitFor();
        await settle(page);
        await screenshot(page, 'scale-inventory');

        const seen = await lists.settle();
        expect(seen.length).toBeGreaterThan(0);
        const tooLong = seen.filter((s) => s.length > MAX_ITEMS);
        expect(tooLong).toEqual([]);
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    });
  });
}

/**
 * Only services of kind "other" get a check: one hourly HTTP check each, to names that resolve
 * through a resolver outside the probe scope, so nothing is ever sent.
 */
function leanChecks(objects: Record<string, unknown>): void {
  for (const kind of Object.keys(objects)) objects[kind] = kind === 'device' ? { default: [] } : [];
  objects.other = [{ kind: 'http', families: [4], intervalSeconds: 3600 }];
}
