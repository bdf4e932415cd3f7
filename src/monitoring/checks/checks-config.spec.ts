import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '../../common/project-root';
import { CHECK_KINDS } from './check.types';
import { ConfigError, loadChecksConfig, parseChecksConfig } from './checks-config';

const shipped = (): Record<string, unknown> =>
  parse(readFileSync(join(projectRoot(), 'config', 'checks.yaml'), 'utf8')) as Record<
    string,
    unknown
  >;

/** Edits a parsed YAML document by dotted path (`objects.website.0.kind`). */
class Doc {
  constructor(readonly raw: Record<string, unknown>) {}
  private parent(path: string): [Record<string, unknown> | unknown[], string] {
    const keys = path.split('.');
    const last = keys.pop() as string;
    let node: unknown = this.raw;
    for (const key of keys) node = (node as Record<string, unknown>)[key];
    if (!node || typeof node !== 'object') throw new Error(`no ${path} in the document`);
    return [node as Record<string, unknown>, last];
  }
  set(path: string, value: unknown): this {
    const [node, key] = this.parent(path);
    (node as Record<string, unknown>)[key] = value;
    return this;
  }
  delete(path: string): this {
    const [node, key] = this.parent(path);
    delete (node as Record<string, unknown>)[key];
    return this;
  }
  push(path: string, value: unknown): this {
    const [node, key] = this.parent(path);
    (node as Record<string, unknown[]>)[key].push(value);
    return this;
  }
}

/** The problems a configuration is refused with (fails the test when it is accepted). */
function problemsOf(mutate: (c: Doc) => void): string[] {
  const raw = shipped();
  mutate(new Doc(raw));
  try {
    parseChecksConfig(raw, 'checks.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('configuration was accepted');
}

describe('config/checks.yaml as shipped', () => {
  it('loads, with defaults for every kind and the checks the issue asks for', () => {
    const config = loadChecksConfig({ env: {} });
    expect(Object.keys(config.kinds).sort()).toEqual([...CHECK_KINDS].sort());
    const kindsOf = (list: { kind: string; families: number[] | null }[]) =>
      list.map((t) => (t.families ? `${t.kind}:${t.families.join('+')}` : t.kind));
    expect(kindsOf(config.services.website)).toEqual(['dnssec', 'ipv6-web', 'http:4+6', 'tls:4+6']);
    expect(kindsOf(config.services.mail_domain)).toEqual(['ipv6-mail', 'smtp:4+6']);
    expect(kindsOf(config.services.dns_zone)).toEqual(['dnssec', 'ns-ipv6']);
    expect(kindsOf(config.devices.default)).toEqual(['icmp', 'snmp']);
    expect(kindsOf(config.circuits)).toEqual(['snmp']);
    // Entry values are merged over the kind's defaults.
    const rtIcmp = config.devices.roles.router?.find((t) => t.kind === 'icmp');
    expect(rtIcmp).toMatchObject({ intervalSeconds: 30, timeoutMs: config.kinds.icmp.timeoutMs });
    expect(rtIcmp?.settings).toEqual(config.kinds.icmp.settings);
  });

  it('NETWATCH_CHECKS_CONFIG names another file; a YAML error names the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netwatch-checks-'));
    const file = join(dir, 'checks.yaml');
    writeFileSync(file, 'version: [1\n');
    expect(() => loadChecksConfig({ env: { NETWATCH_CHECKS_CONFIG: file } })).toThrow(
      new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: `),
    );
    const raw = new Doc(shipped()).set('kinds.http.intervalSeconds', 120).raw;
    writeFileSync(file, JSON.stringify(raw));
    expect(
      loadChecksConfig({ env: { NETWATCH_CHECKS_CONFIG: file } }).kinds.http.intervalSeconds,
    ).toBe(120);
  });
});

describe('validation names the key', () => {
  it('an unknown key, at any level', () => {
    const problems = problemsOf((c) => {
      c.set('colour', 'blue')
        .set('kinds.http.intervalSecs', 60)
        .set('objects.website.0.famlies', [4]);
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^colour \(in checks\.yaml\): unknown key/),
        expect.stringMatching(/^kinds\.http\.intervalSecs \(in checks\.yaml\): unknown key/),
        expect.stringMatching(/^objects\.website\[0\]\.famlies \(in checks\.yaml\): unknown key/),
      ]),
    );
    expect(problems).toHaveLength(3);
  });

  it('schedule values out of range, and a timeout longer than the interval', () => {
    const problems = problemsOf((c) => {
      c.set('kinds.http.intervalSeconds', 5)
        .set('kinds.tls.failureThreshold', 0)
        .set('kinds.icmp.timeoutMs', 70_000) // interval 60 s
        .set('objects.dns_zone.0', { kind: 'dnssec', successThreshold: 'two' });
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'kinds.http.intervalSeconds (in checks.yaml): must be an integer from 10 to 86400, got 5',
        'kinds.tls.failureThreshold (in checks.yaml): must be an integer from 1 to 100, got 0',
        'kinds.icmp (in checks.yaml): timeoutMs (70000) must not exceed intervalSeconds (60) × 1000',
        'objects.dns_zone[0].successThreshold (in checks.yaml): must be an integer from 1 to 100, got "two"',
      ]),
    );
  });

  it('a check kind that does not apply to the object, or listed twice', () => {
    const problems = problemsOf((c) => {
      c.push('objects.website', { kind: 'snmp' })
        .push('objects.circuit', { kind: 'http' })
        .push('objects.dns_zone', { kind: 'dnssec' })
        .push('objects.mail_domain', { kind: 'smtpp' });
    });
    expect(problems).toEqual([
      expect.stringMatching(
        /^objects\.website\[4\]\.kind \(in checks\.yaml\): snmp checks do not apply to a service/,
      ),
      expect.stringMatching(
        /^objects\.mail_domain\[2\]\.kind \(in checks\.yaml\): must be one of .*, got "smtpp"/,
      ),
      expect.stringMatching(
        /^objects\.dns_zone\[2\]\.kind \(in checks\.yaml\): dnssec is listed twice/,
      ),
      expect.stringMatching(
        /^objects\.circuit\[1\]\.kind \(in checks\.yaml\): http checks do not apply to a circuit/,
      ),
    ]);
  });

  it('families only where a check judges one family', () => {
    const problems = problemsOf((c) => {
      c.set('objects.website.0.families', [4, 6]) // dnssec
        .set('objects.device.default.0.families', [6]) // icmp on a device
        .set('objects.website.2.families', [4, 5]); // http
    });
    expect(problems).toEqual([
      expect.stringMatching(/^objects\.website\[0\]\.families .*dnssec judges both families/),
      expect.stringMatching(
        /^objects\.website\[2\]\.families .*must be \[4, 6\], \[4\] or \[6\], got \[4,5\]/,
      ),
      expect.stringMatching(/^objects\.device\.default\[0\]\.families .*management address/),
    ]);
  });

  it('settings: unknown keys, bad values, and required ones', () => {
    const problems = problemsOf((c) => {
      c.set('kinds.http.settings.expectedStatus', '200-99x')
        .set('kinds.tls.settings.warndays', 14)
        .set('kinds.snmp.settings.utilisationWarnPercent', 150)
        .set('objects.device.roles.server', [{ kind: 'tcp' }]);
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^kinds\.http\.settings\.expectedStatus \(in checks\.yaml\): must be a status code or range/,
        ),
        expect.stringMatching(
          /^kinds\.tls\.settings\.warndays \(in checks\.yaml\): unknown setting for tls checks \(known: port, warnDays, ca\)/,
        ),
        'kinds.snmp.settings.utilisationWarnPercent (in checks.yaml): must be a number from 1 to 100, got 150',
        'objects.device.roles.server[0].settings.port (in checks.yaml): required for tcp checks',
      ]),
    );
    expect(problems).toHaveLength(4);
  });

  it('every kind needs its defaults; every object kind must be listed; version 1', () => {
    const problems = problemsOf((c) => {
      c.delete('kinds.ns-ipv6')
        .delete('objects.other')
        .delete('objects.device.default')
        .set('objects.device.roles.printer', [])
        .set('version', 2);
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'version (in checks.yaml): must be 1, got 2',
        'kinds.ns-ipv6 (in checks.yaml): missing; every check kind needs its defaults',
        'objects.other (in checks.yaml): missing; write an empty list (other: []) for no checks',
        'objects.device.default (in checks.yaml): missing; the checks of every device role',
        expect.stringMatching(/^objects\.device\.roles\.printer \(in checks\.yaml\): unknown key/),
      ]),
    );
  });

  it('the error message lists every problem', () => {
    const raw = new Doc(shipped()).set('kinds.http.timeoutMs', 'soon').raw;
    expect(() => parseChecksConfig(raw, 'x.yaml')).toThrow(
      /Invalid configuration:\n {2}- kinds\.http\.timeoutMs \(in x\.yaml\): must be an integer from 100 to 600000, got "soon"/,
    );
  });
});
