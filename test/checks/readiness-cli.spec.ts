import { netwatch } from '../support/cli';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunningServer, start } from '../support/dns/authoritative-server';
import {
  a,
  aaaa,
  closedPort,
  mx,
  page,
  startHttpPair,
  startSmtpPair,
} from '../probes/ipv6/servers';
import { zone } from '../probes/ipv6/servers';
import { makeCa, makeLeaf } from '../probes/tls/certs';

interface Family {
  status: string;
  addresses: string[];
  reasons: string[];
}

/**
 * `check web`, `check mail` and `check DOMAIN` as a user runs them: DNS from the in-process
 * server, HTTP/HTTPS/SMTP servers on 127.0.0.1 and ::1, the IPv6 self-test against ::1.
 */
describe('netwatch check web / mail / DOMAIN', () => {
  let dns: RunningServer;
  let closers: (() => Promise<void>)[] = [];
  let httpPort: number;
  let httpsPort: number;
  let smtpPort: number;
  let caFile: string;
  let deadPort: number;

  beforeAll(async () => {
    const ca = await makeCa();
    const leaf = await makeLeaf(ca, {
      dns: ['good.web.test', 'web.test'],
      ips: ['127.0.0.1', '::1'],
    });
    caFile = join(mkdtempSync(join(tmpdir(), 'netwatch-ca-')), 'ca.pem');
    writeFileSync(caFile, ca.cert);
    const same = (_req: unknown, res: Parameters<typeof page>[0]) =>
      page(res, 200, '<html><body>Cổng thông tin</body></html>');
    const http = await startHttpPair(same, same);
    const https = await startHttpPair(same, same, { v4: leaf, v6: leaf });
    const smtp = await startSmtpPair(
      { greeting: '220 mail.web.test ESMTP\r\n' },
      { greeting: '220 mail.web.test ESMTP\r\n' },
    );
    [httpPort, httpsPort, smtpPort] = [http.port, https.port, smtp.port];
    deadPort = await closedPort('::1');
    closers = [http.close, https.close, smtp.close];
    dns = await start({
      zones: [
        zone('web.test', [
          a('web.test', '127.0.0.1'),
          aaaa('web.test', '::1'),
          mx('web.test', 10, 'mail.web.test'),
          a('good.web.test', '127.0.0.1'),
          aaaa('good.web.test', '::1'),
          a('v4only.web.test', '127.0.0.1'),
          a('mail.web.test', '127.0.0.1'),
          aaaa('mail.web.test', '::1'),
        ]),
      ],
    });
  });
  afterAll(async () => {
    await Promise.all(closers.map((c) => c()));
    await dns.stop();
  });

  const common = (json = true) => [
    '--server',
    `127.0.0.1:${dns.port}`,
    '--ipv6-anchor',
    `[::1]:${httpPort}`,
    '--timeout',
    '2000',
    ...(json ? ['--json'] : []),
  ];
  const webPorts = () => [
    '--port',
    String(httpPort),
    '--https-port',
    String(httpsPort),
    '--ca',
    caFile,
  ];
  const web = (host: string, extra: string[] = [], json = true) =>
    netwatch(['check', 'web', host, ...webPorts(), ...common(json), ...extra]);

  it('check web: a dual-stack host gets two verdicts, both up, with their addresses', async () => {
    const run = await web('good.web.test');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as {
      ipv4: Family;
      ipv6: Family;
      grid: { assigned: boolean; operational: boolean };
    };
    expect(report.ipv4).toEqual({ status: 'up', addresses: ['127.0.0.1'], reasons: [] });
    expect(report.ipv6).toEqual({ status: 'up', addresses: ['::1'], reasons: [] });
    expect(report.grid).toEqual({ assigned: true, operational: true });
  });

  it('check web: no AAAA → IPv6 not assigned, exit 1 when IPv6 is down', async () => {
    const run = await web('v4only.web.test');
    const report = JSON.parse(run.stdout) as {
      ipv4: Family;
      ipv6: Family;
      grid: { assigned: boolean };
    };
    expect(report.ipv4.status).toBe('up');
    expect(report.grid.assigned).toBe(false);
    expect(['down', 'not_tested']).toContain(report.ipv6.status);
    expect(report.ipv6.reasons.join(' ')).toMatch(/AAAA/);
    expect(run.code).toBe(report.ipv6.status === 'down' ? 1 : 0);
  });

  it('check web: without IPv6 on the probe host (self-test fails) IPv6 is not_tested, never down', async () => {
    const run = await web('good.web.test', ['--ipv6-anchor', `[::1]:${deadPort}`]);
    const report = JSON.parse(run.stdout) as { ipv6: Family; selfTest: { ipv6: boolean } };
    expect(report.selfTest.ipv6).toBe(false);
    expect(report.ipv6.status).toBe('not_tested');
    expect(run.code).toBe(0);
  });

  it('check mail: every MX greets with 220 on both families', async () => {
    const run = await netwatch([
      'check',
      'mail',
      'web.test',
      '--smtp-port',
      String(smtpPort),
      ...common(),
    ]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { mx: string[]; ipv4: Family; ipv6: Family };
    expect(report.mx).toEqual(['10 mail.web.test.']);
    expect(report.ipv4.status).toBe('up');
    expect(report.ipv6).toEqual({ status: 'up', addresses: ['::1'], reasons: [] });
  });

  it('check DOMAIN runs DNS, web and mail together', async () => {
    const run = await netwatch([
      'check',
      'web.test',
      ...webPorts(),
      '--smtp-port',
      String(smtpPort),
      ...common(),
    ]);
    const report = JSON.parse(run.stdout) as {
      domain: string;
      dns: { dnssec: { status: string } };
      web: { ipv6: Family };
      mail: { ipv6: Family };
    };
    expect(report.domain).toBe('web.test.');
    expect(report.web.ipv6.status).toBe('up');
    expect(report.mail.ipv6.status).toBe('up');
    // The in-process zone is unsigned and no anchor covers it: not secure, so exit 1.
    expect(['insecure', 'indeterminate', 'bogus']).toContain(report.dns.dnssec.status);
    expect(run.code).toBe(report.dns.dnssec.status === 'insecure' ? 0 : 1);
  });

  it('prints a readable scorecard without --json', async () => {
    const run = await web('good.web.test', [], false);
    expect(run.stdout).toMatch(/IPv4\s+UP\s+127\.0\.0\.1/);
    expect(run.stdout).toMatch(/IPv6\s+UP\s+::1/);
  });

  it('exits 2 on usage errors', async () => {
    expect((await netwatch(['check', 'web', 'good.web.test', '--port', 'http'])).code).toBe(2);
    expect(
      (await netwatch(['check', 'mail', 'web.test', '--ipv6-anchor', '127.0.0.1:25'])).code,
    ).toBe(2);
    expect(
      (await netwatch(['check', 'web', 'good.web.test', '--server', 'resolver.example:53'])).code,
    ).toBe(2);
  });
});
