import { CheckDefinition, CheckOverride } from './check.types';
import { ChecksConfig, loadChecksConfig } from './checks-config';
import {
  CircuitSnapshot,
  deriveChecks,
  DeviceSnapshot,
  InterfaceSnapshot,
  InventorySnapshot,
  ServiceSnapshot,
} from './derive';

const UNIT = '00000000-0000-4000-8000-000000000001';
const UNIT_2 = '00000000-0000-4000-8000-000000000002';
const id = (n: number) => `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function service(n: number, over: Partial<ServiceSnapshot> = {}): ServiceSnapshot {
  return {
    id: id(n),
    kind: 'website',
    hostname: `www${n}.example.gov.vn`,
    url: `https://www${n}.example.gov.vn/`,
    unitId: UNIT,
    status: 'active',
    dnssecRequired: true,
    ...over,
  };
}

function device(n: number, over: Partial<DeviceSnapshot> = {}): DeviceSnapshot {
  return {
    id: id(n),
    name: `dev-${n}`,
    role: 'switch',
    status: 'active',
    managementAddress: `198.51.100.${n}`,
    unitId: UNIT,
    snmpVersion: 'v2c',
    ...over,
  };
}

function iface(
  n: number,
  deviceId: string,
  over: Partial<InterfaceSnapshot> = {},
): InterfaceSnapshot {
  return { id: id(n), deviceId, name: `Gi0/${n}`, ifIndex: n, enabled: true, ...over };
}

function circuit(n: number, over: Partial<CircuitSnapshot> = {}): CircuitSnapshot {
  return {
    id: id(n),
    cid: `CID-${n}`,
    status: 'active',
    rateKbps: 100_000,
    unitId: UNIT_2,
    aInterfaceId: null,
    zInterfaceId: null,
    ...over,
  };
}

const empty = (): InventorySnapshot => ({
  services: [],
  devices: [],
  interfaces: [],
  circuits: [],
});

let config: ChecksConfig;
beforeAll(() => {
  config = loadChecksConfig({ env: {} });
});

function byKey(checks: CheckDefinition[]): Map<string, CheckDefinition> {
  return new Map(checks.map((c) => [c.key, c]));
}

function get(checks: CheckDefinition[], key: string): CheckDefinition {
  const found = checks.find((c) => c.key === key);
  if (!found) throw new Error(`no check ${key}; have ${checks.map((c) => c.key).join(', ')}`);
  return found;
}

describe('services', () => {
  it('a website gets DNSSEC, IPv6 web, and HTTP and TLS once per family', () => {
    const s = service(1, { url: 'https://www1.example.gov.vn/portal?lang=vi' });
    const checks = deriveChecks({ ...empty(), services: [s] }, config);
    expect(checks.map((c) => c.key)).toEqual(
      [
        `service:${s.id}:dnssec`,
        `service:${s.id}:http:4`,
        `service:${s.id}:http:6`,
        `service:${s.id}:ipv6-web`,
        `service:${s.id}:tls:4`,
        `service:${s.id}:tls:6`,
      ].sort(),
    );
    const http6 = get(checks, `service:${s.id}:http:6`);
    expect(http6).toMatchObject({
      objectType: 'service',
      objectId: s.id,
      unitId: UNIT,
      kind: 'http',
      family: 6,
      target: { url: 'https://www1.example.gov.vn/portal?lang=vi', host: 'www1.example.gov.vn' },
      intervalSeconds: config.kinds.http.intervalSeconds,
      timeoutMs: config.kinds.http.timeoutMs,
      thresholds: {
        failure: config.kinds.http.failureThreshold,
        success: config.kinds.http.successThreshold,
      },
      enabled: true,
    });
    expect(http6.settings).toEqual(config.kinds.http.settings);
    expect(get(checks, `service:${s.id}:http:4`).family).toBe(4);
    expect(get(checks, `service:${s.id}:dnssec`)).toMatchObject({
      family: null,
      target: { name: 'www1.example.gov.vn', type: 'A' },
      settings: { ...config.kinds.dnssec.settings, dnssecRequired: true },
    });
    expect(get(checks, `service:${s.id}:ipv6-web`).target).toEqual({
      host: 'www1.example.gov.vn',
      path: '/portal?lang=vi',
    });
    expect(get(checks, `service:${s.id}:tls:4`)).toMatchObject({
      target: { host: 'www1.example.gov.vn' },
      settings: { port: 443 },
    });
  });

  it('a website without a URL is checked at https://<hostname>/, and a URL port is the TLS port', () => {
    const a = service(1, { url: null });
    const b = service(2, { url: 'https://www2.example.gov.vn:8443/' });
    const checks = deriveChecks({ ...empty(), services: [a, b] }, config);
    expect(get(checks, `service:${a.id}:http:4`).target).toEqual({
      url: 'https://www1.example.gov.vn/',
      host: 'www1.example.gov.vn',
    });
    expect(get(checks, `service:${b.id}:tls:6`).settings.port).toBe(8443);
  });

  it('a mail domain gets IPv6 mail readiness and SMTP per family', () => {
    const s = service(1, { kind: 'mail_domain', hostname: 'example.gov.vn', url: null });
    const checks = deriveChecks({ ...empty(), services: [s] }, config);
    expect(checks.map((c) => `${c.kind}:${c.family}`)).toEqual([
      'ipv6-mail:null',
      'smtp:4',
      'smtp:6',
    ]);
    expect(checks.every((c) => JSON.stringify(c.target) === '{"domain":"example.gov.vn"}')).toBe(
      true,
    );
  });

  it('a DNS zone gets DNSSEC (on its SOA) and name-server IPv6', () => {
    const s = service(1, { kind: 'dns_zone', hostname: 'example.gov.vn', url: null });
    const checks = deriveChecks({ ...empty(), services: [s] }, config);
    expect(checks.map((c) => c.kind)).toEqual(['dnssec', 'ns-ipv6']);
    expect(checks[0].target).toEqual({ name: 'example.gov.vn', type: 'SOA' });
    expect(checks[0].settings.dnssecRequired).toBe(true);
    expect(checks[1].target).toEqual({ zone: 'example.gov.vn' });
  });

  it('a public service gets the website checks, HTTP every 30 s', () => {
    const s = service(1, { kind: 'public_service', dnssecRequired: false });
    const checks = deriveChecks({ ...empty(), services: [s] }, config);
    expect(checks.map((c) => c.key.split(':').slice(2).join(':'))).toEqual([
      'dnssec',
      'http:4',
      'http:6',
      'ipv6-web',
      'tls:4',
      'tls:6',
    ]);
    expect(get(checks, `service:${s.id}:http:4`).intervalSeconds).toBe(30);
    // DNSSEC not required: an unsigned answer is recorded, not a failure.
    expect(get(checks, `service:${s.id}:dnssec`).settings.dnssecRequired).toBe(false);
    expect(get(checks, `service:${s.id}:tls:4`).intervalSeconds).toBe(
      config.kinds.tls.intervalSeconds,
    );
  });

  it('planned and retired services get no checks', () => {
    const checks = deriveChecks(
      {
        ...empty(),
        services: [service(1, { status: 'planned' }), service(2, { status: 'retired' })],
      },
      config,
    );
    expect(checks).toEqual([]);
  });
});

describe('devices', () => {
  it('a device with SNMP gets ICMP and SNMP on its management address, without credentials', () => {
    const d = {
      ...device(7, { managementAddress: '2001:db8::7' }),
      // As an entity loaded with its secret would carry it: it must not reach the check.
      snmpSecret: 'SEALED-SECRET-ENVELOPE',
      snmpUsername: 'netwatch-ro',
    };
    const checks = deriveChecks({ ...empty(), devices: [d] }, config);
    expect(checks.map((c) => c.key)).toEqual([`device:${d.id}:icmp`, `device:${d.id}:snmp`]);
    for (const c of checks) {
      expect(c).toMatchObject({
        objectType: 'device',
        objectId: d.id,
        family: 6,
        target: { deviceId: d.id, address: '2001:db8::7' },
      });
    }
    expect(JSON.stringify(checks)).not.toMatch(/SEALED|netwatch-ro|community|authKey|privKey/);
  });

  it('a device without SNMP gets ICMP only; its family follows the address', () => {
    const d = device(8, { snmpVersion: 'none' });
    const checks = deriveChecks({ ...empty(), devices: [d] }, config);
    expect(checks.map((c) => [c.kind, c.family])).toEqual([['icmp', 4]]);
  });

  it('the role decides the list: routers are pinged every 30 s', () => {
    const checks = deriveChecks(
      { ...empty(), devices: [device(1, { role: 'router' }), device(2, { role: 'server' })] },
      config,
    );
    expect(get(checks, `device:${id(1)}:icmp`).intervalSeconds).toBe(30);
    expect(get(checks, `device:${id(2)}:icmp`).intervalSeconds).toBe(
      config.kinds.icmp.intervalSeconds,
    );
  });

  it('decommissioned, planned and address-less devices get no checks', () => {
    const checks = deriveChecks(
      {
        ...empty(),
        devices: [
          device(1, { status: 'decommissioned' }),
          device(2, { status: 'planned' }),
          device(3, { managementAddress: null }),
        ],
      },
      config,
    );
    expect(checks).toEqual([]);
  });
});

describe('circuits', () => {
  const rt = device(1, { role: 'router', snmpVersion: 'v3' });
  const other = device(2, { role: 'router', snmpVersion: 'v3', unitId: UNIT_2 });

  it('a circuit gets SNMP on its A interface with its contracted rate', () => {
    const i = iface(11, rt.id, { ifIndex: 3, name: 'Gi0/0/0' });
    const c = circuit(21, { rateKbps: 100_000, aInterfaceId: i.id });
    const checks = deriveChecks(
      { ...empty(), devices: [rt], interfaces: [i], circuits: [c] },
      config,
    );
    const snmp = get(checks, `circuit:${c.id}:snmp`);
    expect(snmp).toMatchObject({
      objectType: 'circuit',
      objectId: c.id,
      unitId: UNIT_2,
      kind: 'snmp',
      family: 4,
      intervalSeconds: 60,
      target: {
        deviceId: rt.id,
        address: rt.managementAddress,
        interface: { id: i.id, name: 'Gi0/0/0', ifIndex: 3, end: 'a' },
      },
    });
    expect(snmp.settings).toMatchObject({
      contractedRateKbps: { '3': 100_000 },
      watchInterfaces: [3],
      utilisationWarnPercent: 90,
    });
  });

  it('falls back to the Z end when the A end cannot be polled, and to the interface name without ifIndex', () => {
    const noSnmp = device(3, { snmpVersion: 'none' });
    const a = iface(11, noSnmp.id);
    const z = iface(12, other.id, { ifIndex: null, name: 'Tunnel205' });
    const c = circuit(21, {
      rateKbps: 20_000,
      aInterfaceId: a.id,
      zInterfaceId: z.id,
      unitId: null,
    });
    const checks = deriveChecks(
      { ...empty(), devices: [noSnmp, other], interfaces: [a, z], circuits: [c] },
      config,
    ).filter((x) => x.objectType === 'circuit');
    expect(checks).toHaveLength(1);
    expect(checks[0].target).toMatchObject({
      deviceId: other.id,
      interface: { end: 'z', name: 'Tunnel205' },
    });
    expect(checks[0].settings).toMatchObject({
      contractedRateKbps: { Tunnel205: 20_000 },
      watchInterfaces: ['Tunnel205'],
    });
    // A circuit without a unit is the terminating device's.
    expect(checks[0].unitId).toBe(UNIT_2);
  });

  it('a circuit without a contracted rate is still watched (the probe falls back to ifSpeed)', () => {
    const i = iface(11, rt.id);
    const c = circuit(21, { rateKbps: null, aInterfaceId: i.id });
    const [check] = deriveChecks(
      { ...empty(), devices: [rt], interfaces: [i], circuits: [c] },
      config,
    ).filter((x) => x.objectType === 'circuit');
    expect(check.settings.contractedRateKbps).toBeUndefined();
    expect(check.settings.watchInterfaces).toEqual([11]);
  });

  it('decommissioned and planned circuits, site-only circuits and disabled interfaces get none', () => {
    const i = iface(11, rt.id);
    const off = iface(12, rt.id, { enabled: false });
    const checks = deriveChecks(
      {
        ...empty(),
        devices: [rt],
        interfaces: [i, off],
        circuits: [
          circuit(21, { status: 'decommissioned', aInterfaceId: i.id }),
          circuit(22, { status: 'planned', aInterfaceId: i.id }),
          circuit(23),
          circuit(24, { aInterfaceId: off.id }),
        ],
      },
      config,
    ).filter((x) => x.objectType === 'circuit');
    expect(checks).toEqual([]);
  });
});

describe('overrides', () => {
  const s = service(1);
  const d = device(2);
  const inventory = (): InventorySnapshot => ({ ...empty(), services: [s], devices: [d] });
  const override = (o: Partial<CheckOverride>): CheckOverride => ({
    objectType: 'service',
    objectId: s.id,
    kind: null,
    family: null,
    intervalSeconds: null,
    timeoutMs: null,
    failureThreshold: null,
    successThreshold: null,
    disabled: null,
    settings: null,
    ...o,
  });

  it('changes the interval of one kind and leaves the other checks alone', () => {
    const base = byKey(deriveChecks(inventory(), config));
    const checks = byKey(
      deriveChecks(inventory(), config, {
        overrides: [override({ kind: 'http', intervalSeconds: 600, failureThreshold: 5 })],
      }),
    );
    for (const family of [4, 6]) {
      expect(checks.get(`service:${s.id}:http:${family}`)).toMatchObject({
        intervalSeconds: 600,
        thresholds: { failure: 5 },
      });
    }
    for (const [key, check] of checks) {
      if (!key.includes(':http:')) expect(check).toEqual(base.get(key));
    }
  });

  it('disables one kind of one object', () => {
    const checks = deriveChecks(inventory(), config, {
      overrides: [override({ kind: 'tls', disabled: true })],
    });
    const disabled = checks.filter((c) => !c.enabled).map((c) => c.key);
    expect(disabled).toEqual([`service:${s.id}:tls:4`, `service:${s.id}:tls:6`]);
  });

  it('disables a whole object; a more specific override turns one family back on', () => {
    const checks = deriveChecks(inventory(), config, {
      overrides: [
        override({ disabled: true }),
        override({ kind: 'http', family: 6, disabled: false }),
      ],
    });
    const enabled = checks.filter((c) => c.enabled).map((c) => c.key);
    expect(enabled).toEqual([
      `device:${d.id}:icmp`,
      `device:${d.id}:snmp`,
      `service:${s.id}:http:6`,
    ]);
  });

  it('merges settings key by key; null removes a key; a family-only override matches that family', () => {
    const checks = deriveChecks(inventory(), config, {
      overrides: [
        override({ kind: 'http', settings: { keyword: 'Cổng thông tin', degradedAfterMs: null } }),
        override({ family: 6, timeoutMs: 20_000 }),
      ],
    });
    const http4 = get(checks, `service:${s.id}:http:4`);
    expect(http4.settings).toMatchObject({ keyword: 'Cổng thông tin', expectedStatus: '200-399' });
    expect(http4.settings).not.toHaveProperty('degradedAfterMs');
    expect(http4.timeoutMs).toBe(config.kinds.http.timeoutMs);
    expect(get(checks, `service:${s.id}:http:6`).timeoutMs).toBe(20_000);
    expect(get(checks, `service:${s.id}:tls:6`).timeoutMs).toBe(20_000);
    // The family-less checks of the object are not "family 6".
    expect(get(checks, `service:${s.id}:dnssec`).timeoutMs).toBe(config.kinds.dnssec.timeoutMs);
  });

  it('an object-wide settings override sets only the keys each kind knows', () => {
    const checks = deriveChecks(inventory(), config, {
      overrides: [override({ settings: { warnDays: 30 } })],
    });
    expect(get(checks, `service:${s.id}:tls:4`).settings.warnDays).toBe(30);
    expect(get(checks, `service:${s.id}:http:4`).settings).not.toHaveProperty('warnDays');
  });

  it('skips an override that does not fit the check, says why, and applies the others', () => {
    const problems: string[] = [];
    const checks = deriveChecks(inventory(), config, {
      problems,
      overrides: [
        override({ kind: 'http', settings: { warnDays: 3 } }),
        override({ kind: 'tls', intervalSeconds: 10 }), // timeout 15000 > 10 s
        override({ kind: 'dnssec', intervalSeconds: 7200 }),
      ],
    });
    expect(problems).toHaveLength(4); // http × 2 families, tls × 2 families
    expect(problems.join('\n')).toMatch(/http:4: settings\.warnDays: unknown setting for http/);
    expect(problems.join('\n')).toMatch(/tls:6: timeoutMs \(15000\) must not exceed/);
    expect(get(checks, `service:${s.id}:tls:4`).intervalSeconds).toBe(
      config.kinds.tls.intervalSeconds,
    );
    expect(get(checks, `service:${s.id}:dnssec`).intervalSeconds).toBe(7200);
  });

  it('overrides of other objects do not apply', () => {
    const checks = deriveChecks(inventory(), config, {
      overrides: [override({ objectId: id(99), disabled: true })],
    });
    expect(checks.every((c) => c.enabled)).toBe(true);
  });
});

it('is deterministic: the same input gives the same list, sorted by key', () => {
  const rt = device(1, { role: 'router' });
  const i = iface(2, rt.id);
  const inventory: InventorySnapshot = {
    services: [service(5), service(4, { kind: 'dns_zone' }), service(3, { kind: 'mail_domain' })],
    devices: [rt, device(6)],
    interfaces: [i],
    circuits: [circuit(7, { aInterfaceId: i.id })],
  };
  const a = deriveChecks(inventory, config);
  const b = deriveChecks(
    {
      services: [...inventory.services].reverse(),
      devices: [...inventory.devices].reverse(),
      interfaces: inventory.interfaces,
      circuits: inventory.circuits,
    },
    config,
  );
  expect(b).toEqual(a);
  expect(a.map((c) => c.key)).toEqual([...a.map((c) => c.key)].sort());
  expect(new Set(a.map((c) => c.key)).size).toBe(a.length);
});
