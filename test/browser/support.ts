import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { parse, stringify } from 'yaml';
import { freePort } from '../../src/database/embedded-postgres';
import { E2E_ADMIN_PASSWORD, login } from '../support/auth';

/**
 * The browser suite's harness: the built service (dist/) spawned as a real process with its own
 * embedded PostgreSQL in a temporary folder, a loopback website the test switches between up and
 * failing, and the OS package Chromium driven by playwright-core. Every packet stays on loopback.
 */

export const ROOT = join(__dirname, '..', '..');
export const CHROMIUM_PATH = process.env.NETWATCH_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(ROOT, 'test-artifacts', 'screenshots');
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };
export const ADMIN_PASSWORD = E2E_ADMIN_PASSWORD;

const ci = (): boolean => Boolean(process.env.CI) && process.env.CI !== 'false';

/**
 * Whether the suite can run. Without Chromium a developer's run skips it with a message; under CI
 * a missing Chromium is a failure (`.ci/run` installs the OS package first).
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (ci())
    throw new Error(
      `the browser suite needs Chromium at ${CHROMIUM_PATH} (apt-get install chromium), and CI is set`,
    );
  console.warn(
    `SKIPPED: browser suite (test/browser): no Chromium at ${CHROMIUM_PATH}; install the OS package chromium`,
  );
  return false;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `probe` until it gives a value (not undefined); errors count as "not yet". */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  ms = 60_000,
  onTimeout: () => string = () => '',
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await sleep(250);
  }
  throw new Error(
    `timed out after ${ms} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}\n${onTimeout()}`,
  );
}

/** A loopback website the test controls: it answers 200, or 500 while `failing`. */
export interface Site {
  port: number;
  url: string;
  failing: boolean;
  close(): Promise<void>;
}

export async function startSite(): Promise<Site> {
  const state = { failing: false };
  const server = http.createServer((_req, res) => {
    if (state.failing) res.writeHead(500, { 'content-type': 'text/plain' }).end('lỗi máy chủ');
    else
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end('<html><body>Cổng dịch vụ công thử nghiệm</body></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    url: `http://127.0.0.1:${port}/`,
    get failing() {
      return state.failing;
    },
    set failing(v: boolean) {
      state.failing = v;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface ApiOptions {
  token?: string;
  body?: unknown;
  /** A raw body (YAML, CSV) sent with this content type. */
  raw?: { content: string; type: string };
}

/** One running NetWatch process and a small typed client of its API. */
export interface Netwatch {
  base: string;
  dir: string;
  /** The admin's session token. */
  token: string;
  log(): string;
  /** Why the process ended on its own (with its last output), or null while it runs. */
  crash(): string | null;
  api<T>(method: string, path: string, options?: ApiOptions): Promise<T>;
  stop(): Promise<void>;
}

export interface StartOptions {
  loadExample: boolean;
  /** Changes the shipped config/checks.yaml's `objects` (which checks each object kind gets). */
  checks?: (objects: Record<string, unknown>) => void;
  env?: Record<string, string>;
}

/** The shipped checks config with `change` applied to its `objects`, written into `dir`. */
function checksFile(dir: string, change: (objects: Record<string, unknown>) => void): string {
  const checks = parse(readFileSync(join(ROOT, 'config', 'checks.yaml'), 'utf8')) as {
    objects: Record<string, unknown>;
  };
  change(checks.objects);
  const file = join(dir, 'checks.yaml');
  writeFileSync(file, stringify(checks));
  return file;
}

export async function startNetwatch(options: StartOptions): Promise<Netwatch> {
  const dir = mkdtempSync(join(tmpdir(), 'netwatch-browser-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NETWATCH_DATA_DIR: dir,
    NETWATCH_PG_PORT: '0',
    NETWATCH_LOAD_EXAMPLE: String(options.loadExample),
    NETWATCH_PROBE_SCOPE: '127.0.0.0/8,::1/128',
    // Documentation space, outside the probe scope: the example's names are never looked up.
    NETWATCH_RESOLVER: '198.51.100.53',
    NETWATCH_SYNC_SECONDS: '1',
    NETWATCH_ADMIN_PASSWORD: ADMIN_PASSWORD,
    PORT: String(port),
    HOST: '127.0.0.1',
    ...(options.checks ? { NETWATCH_CHECKS_CONFIG: checksFile(dir, options.checks) } : {}),
    ...options.env,
  };
  // The service's own embedded PostgreSQL in `dir`, not the test tier's database server.
  delete env.DATABASE_URL;
  delete env.NETWATCH_TEST_SERVER_URL;
  const child: ChildProcess = spawn(process.execPath, ['dist/src/main.js'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  let stopping = false;
  let crash: string | null = null;
  child.on('exit', (code, signal) => {
    if (!stopping)
      crash = `the service exited by itself (code ${code}, signal ${signal}):\n${output.slice(-4000)}`;
  });

  const stop = async () => {
    stopping = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const api = async <T>(method: string, path: string, o: ApiOptions = {}): Promise<T> => {
    const headers: Record<string, string> = {};
    const token = o.token ?? running.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (o.raw) {
      headers['content-type'] = o.raw.type;
      body = o.raw.content;
    } else if (o.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(o.body);
    }
    const res = await fetch(`${base}${path}`, { method, headers, body });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 2000)}`);
    return (text ? JSON.parse(text) : null) as T;
  };

  const running: Netwatch = {
    base,
    dir,
    token: '',
    log: () => output,
    crash: () => crash,
    api,
    stop,
  };
  try {
    await until(
      'the service to answer /health',
      async () => {
        if (child.exitCode !== null) throw new Error(`service exited (${child.exitCode})`);
        return (await fetch(`${base}/health`)).ok ? true : undefined;
      },
      // A cold embedded PostgreSQL (initdb) plus the example import; seconds on an idle machine.
      240_000,
      () => output.slice(-4000),
    );
    running.token = await login(base, 'admin', ADMIN_PASSWORD);
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n--- service output ---\n${output.slice(-4000)}`);
  }
  return running;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

export interface PageOptions {
  viewport?: { width: number; height: number };
  /** Signed in with this session token (set before the app's script runs). */
  token?: string;
  lang?: 'vi' | 'en';
}

/**
 * A fresh browser context (no cookies, storage or cache from another test) with one page. Page
 * errors are collected: a test can assert the app threw nothing.
 */
export async function openContext(
  browser: Browser,
  options: PageOptions = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport: options.viewport ?? DESKTOP,
    acceptDownloads: true,
    timezoneId: 'Asia/Ho_Chi_Minh',
    locale: 'vi-VN',
  });
  if (options.token || options.lang) {
    await context.addInitScript(
      ({ token, lang }) => {
        const g = globalThis as unknown as {
          sessionStorage: { setItem(k: string, v: string): void };
          localStorage: { getItem(k: string): string | null; setItem(k: string, v: string): void };
        };
        if (token) g.sessionStorage.setItem('nw.token', token);
        // Only before the first choice: a language switched in the page afterwards stays.
        if (lang && g.localStorage.getItem('nw.lang') === null)
          g.localStorage.setItem('nw.lang', lang);
      },
      { token: options.token ?? '', lang: options.lang ?? '' },
    );
  }
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  page.setDefaultNavigationTimeout(60_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, errors };
}

/** Goes to a hash route of the app and waits for its page title. */
export async function gotoApp(page: Page, base: string, route: string): Promise<void> {
  await page.goto(`${base}/#${route}`);
  await page.locator('#page-title').first().waitFor();
}

export function testId(page: Page, id: string) {
  return page.locator(`[data-testid="${id}"]`);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const size = page.viewportSize() ?? DESKTOP;
  const lang = await page.evaluate(
    () =>
      (globalThis as unknown as { document: { documentElement: { lang: string } } }).document
        .documentElement.lang,
  );
  const file = join(SCREENSHOTS, `${name}-${size.width}x${size.height}-${lang || 'vi'}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** How far the document is wider than the viewport (0: no horizontal scrolling). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => {
    const g = globalThis as unknown as {
      innerWidth: number;
      document: { documentElement: { scrollWidth: number } };
    };
    return Math.max(0, g.document.documentElement.scrollWidth - g.innerWidth - 1);
  });
}

let axeSource: string | undefined;
const AXE_SOURCE = (): string =>
  (axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));

interface AxeNode {
  target: unknown[];
  failureSummary?: string;
}
interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: AxeNode[];
}

/** axe-core's serious and critical violations on the page as readable lines. */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  // Evaluated rather than added as a <script>: the dashboard's CSP (script-src 'self') rightly
  // refuses inline scripts, and the test should not weaken it.
  await page.evaluate(`${AXE_SOURCE()}\n;undefined`);
  const violations = await page.evaluate(async () => {
    const g = globalThis as unknown as {
      axe: {
        run(
          context: unknown,
          options: unknown,
        ): Promise<{
          violations: {
            id: string;
            impact: string | null;
            help: string;
            nodes: { target: unknown[]; failureSummary?: string }[];
          }[];
        }>;
      };
      document: unknown;
    };
    const result = await g.axe.run(g.document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
  return (violations as AxeViolation[])
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help}\n` +
        v.nodes
          .slice(0, 5)
          .map(
            (n) =>
              `    at ${JSON.stringify(n.target)}: ${(n.failureSummary ?? '').replace(/\s+/g, ' ')}`,
          )
          .join('\n'),
    );
}

/**
 * Records, for every JSON response of /api/ the page receives, the longest `items` array in it
 * (or the length of a bare array): no page may fetch more than one bounded page of a list.
 */
export function watchApiLists(page: Page): {
  settle(): Promise<{ url: string; length: number }[]>;
} {
  const seen: { url: string; length: number }[] = [];
  const pending: Promise<void>[] = [];
  const longest = (value: unknown, top: boolean): number => {
    if (Array.isArray(value)) {
      const own = top ? value.length : 0;
      return Math.max(own, ...value.map((v) => longest(v, false)));
    }
    if (value && typeof value === 'object') {
      let max = 0;
      for (const [k, v] of Object.entries(value)) {
        if (k === 'items' && Array.isArray(v)) max = Math.max(max, v.length);
        max = Math.max(max, longest(v, false));
      }
      return max;
    }
    return 0;
  };
  page.on('response', (res) => {
    if (!new URL(res.url()).pathname.startsWith('/api/')) return;
    if (!(res.headers()['content-type'] ?? '').includes('json')) return;
    pending.push(
      res
        .json()
        .then((body: unknown) => {
          seen.push({ url: res.url(), length: longest(body, true) });
        })
        .catch(() => undefined),
    );
  });
  return {
    settle: async () => {
      await Promise.all(pending);
      return seen;
    },
  };
}

/** Waits until no panel of the page still shows its loading line ("Đang tải…" / "Loading…"). */
export async function settle(page: Page, timeout = 30_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const g = globalThis as unknown as {
        document: { querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> };
      };
      const busy = Array.from(g.document.querySelectorAll('[role="status"], [aria-busy="true"]'));
      return !busy.some((e) => /Đang tải…|Loading…/.test(e.textContent ?? ''));
    },
    undefined,
    { timeout },
  );
}

/** The service and the browser, started side by side; if either fails the other is stopped. */
export async function startServiceAndBrowser(
  options: StartOptions,
): Promise<{ nw: Netwatch; browser: Browser }> {
  const [nw, browser] = await Promise.allSettled([startNetwatch(options), launchBrowser()]);
  if (nw.status === 'fulfilled' && browser.status === 'fulfilled')
    return { nw: nw.value, browser: browser.value };
  if (nw.status === 'fulfilled') await nw.value.stop();
  if (browser.status === 'fulfilled') await browser.value.close();
  throw nw.status === 'rejected' ? nw.reason : (browser as PromiseRejectedResult).reason;
}
