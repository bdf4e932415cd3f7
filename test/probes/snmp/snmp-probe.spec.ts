/**
 * The SNMP probe against net-snmp's in-process agent on loopback (udp4 and udp6), and against a
 * black hole (a UDP socket that never answers).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as snmp from 'net-snmp';
import type { ProbeContext } from '../../../probes/probe';
import { ProbeScope } from '../../../probes/scope';
import {
  previousFrom,
  SnmpObservations,
  SnmpProbe,
  SnmpProbeSettings,
  SnmpTarget,
} from '../../../probes/snmp/snmp-probe';
import {
  SNMP_AUTH_PROTOCOLS,
  SNMP_PRIV_PROTOCOLS,
  SnmpAuthProtocol,
  SnmpCredentials,
  SnmpPrivProtocol,
  desAvailable,
} from '../../../probes/snmp/session';
import {
  LoopbackAddress,
  startBlackHole,
  startTestAgent,
  TestAgent,
  TestInterface,
} from './test-agent';

const probe = new SnmpProbe();
const T0 = Date.parse('2025-03-01T08:00:00Z');
const FAST = { timeoutMs: 300, retries: 0 } as const;
const V2C: SnmpCredentials = { version: 'v2c', community: 'nw-ro-community' };
const V3: SnmpCredentials = {
  version: 'v3',
  username: 'netwatch',
  authProtocol: 'sha256',
  authKey: 'auth-key-123',
  privProtocol: 'aes',
  privKey: 'priv-key-456',
};

function context(atMs: number, signal = new AbortController().signal): ProbeContext {
  return { signal, now: () => new Date(atMs) };
}

function v3User(c: Extract<SnmpCredentials, { version: 'v3' }>): snmp.User {
  return {
    name: c.username,
    level: snmp.SecurityLevel.authPriv,
    authProtocol: snmp.AuthProtocols[c.authProtocol],
    authKey: c.authKey,
    privProtocol: snmp.PrivProtocols[c.privProtocol],
    privKey: c.privKey,
  };
}

/** Three interfaces: a 1G uplink (HC counters), a 100M access port (HC), an old 10M port (32-bit only). */
function interfaces(): TestInterface[] {
  return [
    {
      ifIndex: 1,
      descr: 'GigabitEthernet0/0',
      speed: 1_000_000_000,
      admin: 1,
      oper: 1,
      inOctets: 1000,
      outOctets: 2000,
      x: {
        name: 'Gi0/0',
        alias: 'Uplink VNPT – Sở TT&TT',
        highSpeed: 1000,
        hcIn: 10_000_000_000n,
        hcOut: 20_000_000_000n,
      },
    },
    {
      ifIndex: 2,
      descr: 'FastEthernet0/1',
      speed: 100_000_000,
      admin: 1,
      oper: 1,
      inOctets: 5,
      outOctets: 6,
      x: { name: 'Fa0/1', highSpeed: 100, hcIn: 5n, hcOut: 6n },
    },
    {
      ifIndex: 3,
      descr: 'Ethernet0/2',
      speed: 10_000_000,
      admin: 1,
      oper: 1,
      inOctets: 100,
      outOctets: 200,
    },
  ];
}

const agents: TestAgent[] = [];
async function agent(
  options: Partial<Parameters<typeof startTestAgent>[0]> = {},
): Promise<TestAgent> {
  const a = await startTestAgent({
    communities: [V2C.version === 'v2c' ? V2C.community : ''],
    users: V3.version === 'v3' ? [v3User(V3)] : [],
    system: { descr: 'Cisco IOS test agent', name: 'tthc-core-rt01', upTimeTicks: 360_000 },
    interfaces: interfaces(),
    ...options,
  });
  agents.push(a);
  return a;
}
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()));
});

function target(a: { address: LoopbackAddress; port: number }, credentials = V2C): SnmpTarget {
  return { host: a.address, port: a.port, credentials };
}

function iface(o: SnmpObservations, ifIndex: number) {
  const i = o.interfaces.find((x) => x.ifIndex === ifIndex);
  if (!i) throw new Error(`no ifIndex ${ifIndex} in observations`);
  return i;
}

describe('SnmpProbe against an in-process agent', () => {
  it('v2c: up, with the system group and every interface', async () => {
    const a = await agent();
    const out = await probe.run(target(a), { ...FAST }, context(T0));
    expect(out.status).toBe('up');
    expect(out.family).toBe(4);
    expect(out.reasons).toEqual([]);
    const o = out.observations;
    expect(o).toMatchObject({
      host: '127.0.0.1',
      port: a.port,
      version: 'v2c',
      at: '2025-03-01T08:00:00.000Z',
      sysDescr: 'Cisco IOS test agent',
      sysName: 'tthc-core-rt01',
      sysUpTimeTicks: 360_000,
      rebooted: null,
    });
    expect(o.responseMs).toEqual(expect.any(Number));
    expect(o.interfaces.map((i) => i.ifIndex)).toEqual([1, 2, 3]);
    expect(iface(o, 1)).toMatchObject({
      ifDescr: 'GigabitEthernet0/0',
      ifName: 'Gi0/0',
      ifAlias: 'Uplink VNPT – Sở TT&TT',
      ifType: 6,
      ifSpeed: 1_000_000_000,
      ifHighSpeed: 1000,
      adminStatus: 'up',
      operStatus: 'up',
      counters: { inOctets: '10000000000', outOctets: '20000000000', counterBits: 64 },
      rate: null,
      rateUnavailable: 'first observation',
      capacity: { bps: 1e9, source: 'ifHighSpeed' },
      utilisation: null,
      monitored: false,
    });
    // No ifXTable row: no name, 32-bit counters, capacity from ifSpeed.
    expect(iface(o, 3)).toMatchObject({
      ifName: null,
      ifHighSpeed: null,
      counters: { inOctets: '100', outOctets: '200', counterBits: 32 },
      capacity: { bps: 10_000_000, source: 'ifSpeed' },
    });
  });

  it('v2c over IPv6 loopback (udp6): up, family 6', async () => {
    const a = await agent({ address: '::1' });
    const out = await probe.run(target(a), { ...FAST }, context(T0));
    expect(out.status).toBe('up');
    expect(out.family).toBe(6);
    expect(out.observations.sysName).toBe('tthc-core-rt01');
    expect(out.observations.interfaces).toHaveLength(3);
  });

  it('v2c with a wrong community: down (no answer), and says a wrong community looks like this', async () => {
    const a = await agent();
    const started = Date.now();
    const out = await probe.run(
      target(a, { version: 'v2c', community: 'wrong-community' }),
      { timeoutMs: 200, retries: 1 },
      context(T0),
    );
    expect(Date.now() - started).toBeLessThan(200 * 2 + 500);
    expect(out.status).toBe('down');
    expect(out.family).toBeNull();
    expect(out.reasons).toHaveLength(1);
    expect(out.reasons[0].code).toBe('snmp_no_answer');
    expect(out.reasons[0].message).toMatch(/no answer after 2 attempts of 200 ms/);
    expect(out.reasons[0].message).toMatch(/community is wrong/);
    // Secrets never reach a reason.
    expect(JSON.stringify(out)).not.toContain('wrong-community');
    expect(out.observations.error?.code).toBe('timeout');
    expect(a.errors.some((e) => /community/i.test(e.message))).toBe(true);
  });

  it('v3 authPriv SHA-256/AES: up', async () => {
    const a = await agent();
    const out = await probe.run(target(a, V3), { ...FAST }, context(T0));
    expect(out.status).toBe('up');
    expect(out.observations.version).toBe('v3');
    expect(out.observations.sysName).toBe('tthc-core-rt01');
    expect(iface(out.observations, 1).counters?.counterBits).toBe(64);
  });

  it('v3: every auth and priv protocol of the inventory works', async () => {
    const combos: [SnmpAuthProtocol, SnmpPrivProtocol][] = SNMP_AUTH_PROTOCOLS.flatMap((auth) =>
      SNMP_PRIV_PROTOCOLS.map((priv): [SnmpAuthProtocol, SnmpPrivProtocol] => [auth, priv]),
    );
    const creds = combos.map(
      ([authProtocol, privProtocol], n): Extract<SnmpCredentials, { version: 'v3' }> => ({
        version: 'v3',
        username: `user-${n}`,
        authProtocol,
        authKey: `auth-${authProtocol}-key`,
        privProtocol,
        privKey: `priv-${privProtocol}-key`,
      }),
    );
    const a = await agent({ users: creds.map(v3User) });
    const statuses: string[] = [];
    for (const c of creds) {
      const out = await probe.run(target(a, c), { ...FAST }, context(T0));
      statuses.push(
        `${c.authProtocol}/${c.privProtocol}: ${out.status} ${out.reasons[0]?.code ?? ''}`,
      );
    }
    // DES needs OpenSSL's legacy provider (see the child-process test below): without it the
    // probe says it cannot judge, instead of calling the device down.
    const des = desAvailable() ? 'up ' : 'not_tested snmp_unsupported';
    expect(statuses).toEqual(
      combos.map(([au, pr]) => `${au}/${pr}: ${pr === 'des' ? des : 'up '}`),
    );
  });

  it('v3 with DES privacy works when Node runs with --openssl-legacy-provider', () => {
    const child = spawnSync(
      process.execPath,
      [
        '--openssl-legacy-provider',
        '-r',
        'ts-node/register/transpile-only',
        join(__dirname, 'des-child.ts'),
      ],
      { encoding: 'utf8', timeout: 20_000 },
    );
    expect(child.stderr).toBe('');
    expect(JSON.parse(child.stdout)).toEqual({ des: true, status: 'up', sysName: 'legacy-sw01' });
  });

  it('an agent with empty interface tables: up, no interfaces (and the walk ends)', async () => {
    const a = await agent({ interfaces: [] });
    const out = await probe.run(target(a), { ...FAST }, context(T0));
    expect(out.status).toBe('up');
    expect(out.observations.interfaces).toEqual([]);
  });

  it('v3 with a wrong auth key: down; this agent drops the request, so the reason says keys may be wrong', async () => {
    const a = await agent();
    const out = await probe.run(
      target(a, { ...V3, authKey: 'not-the-auth-key' } as SnmpCredentials),
      { ...FAST },
      context(T0),
    );
    expect(out.status).toBe('down');
    expect(out.reasons[0].code).toBe('snmp_no_answer');
    expect(out.reasons[0].message).toMatch(/v3 keys are wrong/);
    expect(JSON.stringify(out)).not.toContain('not-the-auth-key');
    expect(a.errors.some((e) => /digest/i.test(e.message))).toBe(true);
  });

  it('v3 with an unknown user: down, usmStatsUnknownUserNames reported clearly', async () => {
    const a = await agent();
    const out = await probe.run(
      target(a, { ...V3, username: 'intruder' } as SnmpCredentials),
      { ...FAST },
      context(T0),
    );
    expect(out.status).toBe('down');
    expect(out.reasons).toEqual([
      {
        code: 'snmp_auth_failed',
        message: expect.stringMatching(/does not know the user/),
      },
    ]);
    expect(out.observations.error).toMatchObject({ code: 'auth', usm: 'unknown_user_name' });
  });

  it('a watched interface admin up / oper down: degraded; an unwatched one does not matter', async () => {
    const a = await agent();
    a.setOper(2, 2);
    a.setOper(3, 7);
    const out = await probe.run(target(a), { ...FAST, watchInterfaces: ['Fa0/1', 1] }, context(T0));
    expect(out.status).toBe('degraded');
    expect(out.reasons).toEqual([
      {
        code: 'interface_down',
        message: 'Fa0/1 (ifIndex 2) is administratively up but operationally down',
      },
    ]);
    expect(iface(out.observations, 2).monitored).toBe(true);
    expect(iface(out.observations, 3)).toMatchObject({
      monitored: false,
      operStatus: 'lowerLayerDown',
    });

    const unwatched = await probe.run(target(a), { ...FAST, watchInterfaces: [1] }, context(T0));
    expect(unwatched.status).toBe('up');
  });

  it('a watched interface the agent does not have: degraded, interface_missing', async () => {
    const a = await agent();
    const out = await probe.run(
      target(a),
      { ...FAST, watchInterfaces: [42, 'Te1/1'] },
      context(T0),
    );
    expect(out.status).toBe('degraded');
    expect(out.reasons.map((r) => r.code)).toEqual(['interface_missing', 'interface_missing']);
  });

  it('rates in bit/s across two runs (64-bit and 32-bit counters)', async () => {
    const a = await agent();
    const first = await probe.run(target(a), { ...FAST }, context(T0));
    const previous = previousFrom(first.observations);
    expect(previous?.interfaces?.['1']).toEqual({
      inOctets: '10000000000',
      outOctets: '20000000000',
      at: '2025-03-01T08:00:00.000Z',
      counterBits: 64,
    });

    a.setUptime(360_000 + 6000);
    a.setCounters(1, { hcIn: 10_000_000_000n + 75_000_000n, hcOut: 20_000_000_000n + 7_500_000n });
    a.setCounters(3, { inOctets: 100 + 750_000, outOctets: 200 });
    const second = await probe.run(target(a), { ...FAST, previous }, context(T0 + 60_000));
    expect(second.status).toBe('up');
    expect(second.observations.rebooted).toBe(false);
    expect(iface(second.observations, 1).rate).toEqual({
      inBps: 10_000_000,
      outBps: 1_000_000,
      intervalSeconds: 60,
      wrapped: false,
    });
    expect(iface(second.observations, 1).utilisation).toEqual({ inPercent: 1, outPercent: 0.1 });
    expect(iface(second.observations, 3).rate).toMatchObject({ inBps: 100_000, outBps: 0 });
    expect(iface(second.observations, 3).utilisation).toEqual({ inPercent: 1, outPercent: 0 });
  });

  it('a 32-bit counter that wrapped once: the rate counts across the wrap', async () => {
    const a = await agent();
    a.setCounters(3, { inOctets: 4_294_967_000, outOctets: 10 });
    const first = await probe.run(target(a), { ...FAST }, context(T0));
    a.setUptime(360_000 + 3000);
    a.setCounters(3, { inOctets: 704, outOctets: 10 + 375_000 });
    const second = await probe.run(
      target(a),
      { ...FAST, previous: previousFrom(first.observations) },
      context(T0 + 30_000),
    );
    const i = iface(second.observations, 3);
    // 4294967296 - 4294967000 + 704 = 1000 octets in 30 s.
    expect(i.rate).toEqual({ inBps: 266.67, outBps: 100_000, intervalSeconds: 30, wrapped: true });
    expect(i.rateUnavailable).toBeNull();
    expect(second.reasons).toEqual([]);
  });

  it('a 64-bit counter that wrapped once: the rate counts across the wrap', async () => {
    const a = await agent();
    const top = 2n ** 64n;
    a.setCounters(1, { hcIn: top - 1_000_000n, hcOut: top - 1n });
    const first = await probe.run(target(a), { ...FAST }, context(T0));
    expect(iface(first.observations, 1).counters?.inOctets).toBe((top - 1_000_000n).toString());
    a.setUptime(360_000 + 1000);
    a.setCounters(1, { hcIn: 250_000n, hcOut: 0n });
    const second = await probe.run(
      target(a),
      { ...FAST, previous: previousFrom(first.observations) },
      context(T0 + 10_000),
    );
    // 1_000_000 + 250_000 octets in 10 s = 1 Mbit/s; out: 1 octet.
    expect(iface(second.observations, 1).rate).toEqual({
      inBps: 1_000_000,
      outBps: 0.8,
      intervalSeconds: 10,
      wrapped: true,
    });
  });

  it('agent restart: uptime went backwards → rebooted, no bogus rate, reason "counters reset"', async () => {
    const a = await agent();
    const first = await probe.run(target(a), { ...FAST }, context(T0));
    await a.close();
    // The same device comes back on the same port with fresh counters and a short uptime.
    const restarted = await agent({
      port: a.port,
      system: { descr: 'Cisco IOS test agent', name: 'tthc-core-rt01', upTimeTicks: 1500 },
      interfaces: interfaces().map((i) => ({
        ...i,
        inOctets: 10,
        outOctets: 20,
        x: i.x && { ...i.x, hcIn: 10n, hcOut: 20n },
      })),
    });
    const second = await probe.run(
      target(restarted),
      { ...FAST, previous: previousFrom(first.observations) },
      context(T0 + 60_000),
    );
    expect(second.status).toBe('up');
    expect(second.observations.rebooted).toBe(true);
    for (const i of second.observations.interfaces) {
      expect(i.rate).toBeNull();
      expect(i.rateUnavailable).toBe('counters reset');
    }
    expect(second.reasons.map((r) => r.code)).toEqual(['snmp_rebooted', 'counters_reset']);
    expect(second.reasons[0].message).toMatch(/went backwards from 01:00:00 to 00:00:15/);
    expect(second.reasons[1].message).toMatch(
      /counters reset on ifIndex 1, 2, 3 \(agent restarted\)/,
    );
  });

  it('uptime shorter than the time since the previous observation → rebooted', async () => {
    const a = await agent({
      system: { descr: 'x', name: 'y', upTimeTicks: 200_000 },
    });
    const previous = { sysUpTimeTicks: 100_000, at: new Date(T0 - 3_600_000) };
    const out = await probe.run(target(a), { ...FAST, previous }, context(T0));
    expect(out.observations.rebooted).toBe(true);
    expect(out.reasons[0].message).toMatch(/shorter than the 3600 s/);
  });

  it('a counter that fell by more than a plausible wrap (no reboot seen) → counters reset', async () => {
    const a = await agent();
    a.setCounters(2, { hcIn: 900_000_000_000n });
    const first = await probe.run(target(a), { ...FAST }, context(T0));
    a.setUptime(360_000 + 6000);
    a.setCounters(2, { hcIn: 1000n, hcOut: 7n });
    const second = await probe.run(
      target(a),
      { ...FAST, previous: previousFrom(first.observations) },
      context(T0 + 60_000),
    );
    expect(second.observations.rebooted).toBe(false);
    expect(iface(second.observations, 2)).toMatchObject({
      rate: null,
      rateUnavailable: 'counters reset',
    });
    expect(iface(second.observations, 1).rateUnavailable).toBeNull();
    expect(second.reasons).toEqual([
      { code: 'counters_reset', message: expect.stringMatching(/counters reset on ifIndex 2;/) },
    ]);
  });

  it('utilisation against the contracted rate beats ifSpeed; ifSpeed is only the fallback', async () => {
    const a = await agent();
    const first = await probe.run(target(a), { ...FAST }, context(T0));
    a.setUptime(360_000 + 6000);
    // 18 Mbit/s in on Gi0/0 (a 1 Gbit/s port carrying a 20 Mbit/s leased line), 5 Mbit/s on Fa0/1.
    a.setCounters(1, { hcIn: 10_000_000_000n + 135_000_000n, hcOut: 20_000_000_000n });
    a.setCounters(2, { hcIn: 5n + 37_500_000n, hcOut: 6n });
    const settings: SnmpProbeSettings = {
      ...FAST,
      previous: previousFrom(first.observations),
      contractedRateKbps: { 'Gi0/0': 20_000 },
    };
    const second = await probe.run(target(a), settings, context(T0 + 60_000));
    const gi = iface(second.observations, 1);
    expect(gi.capacity).toEqual({ bps: 20_000_000, source: 'contracted' });
    expect(gi.utilisation).toEqual({ inPercent: 90, outPercent: 0 });
    expect(gi.monitored).toBe(true);
    const fa = iface(second.observations, 2);
    expect(fa.capacity).toEqual({ bps: 100_000_000, source: 'ifHighSpeed' });
    expect(fa.utilisation).toEqual({ inPercent: 5, outPercent: 0 });
    // 90 % is not above the default 90 %: still up.
    expect(second.status).toBe('up');

    const stricter = await probe.run(
      target(a),
      { ...settings, utilisationWarnPercent: 80 },
      context(T0 + 60_000),
    );
    expect(stricter.status).toBe('degraded');
    expect(stricter.reasons).toEqual([
      {
        code: 'utilisation_high',
        message:
          'Gi0/0 (ifIndex 1, "Uplink VNPT – Sở TT&TT") at 90 % in, 0 % out of the contracted rate of 20000 kbit/s; warn above 80 %',
      },
    ]);

    // The same traffic against the port speed (no contract): 1.8 %, and the source says so.
    const { contractedRateKbps: _drop, ...noContract } = settings;
    const bySpeed = await probe.run(
      target(a),
      { ...noContract, watchInterfaces: [1], utilisationWarnPercent: 1 },
      context(T0 + 60_000),
    );
    expect(iface(bySpeed.observations, 1).capacity).toEqual({ bps: 1e9, source: 'ifHighSpeed' });
    expect(iface(bySpeed.observations, 1).utilisation).toEqual({ inPercent: 1.8, outPercent: 0 });
    expect(bySpeed.reasons[0].message).toMatch(
      /ifHighSpeed 1000000000 bit\/s \(no contracted rate\)/,
    );
  });

  it('contracted rate by ifIndex key; ifSpeed fallback when there is no ifHighSpeed', async () => {
    const a = await agent();
    const first = await probe.run(target(a), { ...FAST }, context(T0));
    a.setUptime(360_000 + 6000);
    a.setCounters(3, { inOctets: 100 + 3_750_000, outOctets: 200 });
    const second = await probe.run(
      target(a),
      { ...FAST, previous: previousFrom(first.observations), contractedRateKbps: { '3': 2000 } },
      context(T0 + 60_000),
    );
    expect(iface(second.observations, 3)).toMatchObject({
      capacity: { bps: 2_000_000, source: 'contracted' },
      utilisation: { inPercent: 25, outPercent: 0 },
    });
    const plain = await probe.run(
      target(a),
      { ...FAST, previous: previousFrom(first.observations) },
      context(T0 + 60_000),
    );
    expect(iface(plain.observations, 3)).toMatchObject({
      capacity: { bps: 10_000_000, source: 'ifSpeed' },
      utilisation: { inPercent: 5, outPercent: 0 },
    });
  });
});

describe('SnmpProbe timeouts, retries, abort, scope and resources', () => {
  it.each([
    ['v2c', V2C, '127.0.0.1'],
    ['v3', V3, '127.0.0.1'],
    ['v2c over ::1', V2C, '::1'],
  ] as const)(
    '%s to a black hole: down within timeout × (retries + 1), having sent retries + 1 datagrams',
    async (_name, credentials, address) => {
      const hole = await startBlackHole(address);
      try {
        const started = Date.now();
        const out = await probe.run(
          { host: address, port: hole.port, credentials },
          { timeoutMs: 150, retries: 2 },
          context(T0),
        );
        const elapsed = Date.now() - started;
        expect(out.status).toBe('down');
        expect(out.reasons[0]).toMatchObject({
          code: 'snmp_no_answer',
          message: expect.stringMatching(/no answer after 3 attempts of 150 ms/),
        });
        expect(elapsed).toBeGreaterThanOrEqual(150 * 3 - 20);
        expect(elapsed).toBeLessThan(150 * 3 + 400);
        expect(hole.received()).toBe(3);
      } finally {
        await hole.close();
      }
    },
  );

  it('the signal ends the run at once: down, snmp_aborted', async () => {
    const hole = await startBlackHole();
    try {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const started = Date.now();
      const out = await probe.run(
        { host: '127.0.0.1', port: hole.port, credentials: V2C },
        { timeoutMs: 5000, retries: 3 },
        context(T0, controller.signal),
      );
      expect(Date.now() - started).toBeLessThan(1000);
      expect(out.status).toBe('down');
      expect(out.reasons[0].code).toBe('snmp_aborted');
    } finally {
      await hole.close();
    }
  });

  it('an already-aborted signal sends nothing', async () => {
    const hole = await startBlackHole();
    try {
      const controller = new AbortController();
      controller.abort();
      const out = await probe.run(
        { host: '127.0.0.1', port: hole.port, credentials: V2C },
        { timeoutMs: 200 },
        context(T0, controller.signal),
      );
      expect(out.status).toBe('down');
      expect(out.reasons[0].code).toBe('snmp_aborted');
      await new Promise((r) => setTimeout(r, 50));
      expect(hole.received()).toBe(0);
    } finally {
      await hole.close();
    }
  });

  it('outside the probe scope: not_tested, nothing sent', async () => {
    const hole = await startBlackHole('::1');
    try {
      const out = await probe.run(
        { host: '::1', port: hole.port, credentials: V2C },
        { ...FAST, scope: ProbeScope.parse('127.0.0.0/8') },
        context(T0),
      );
      expect(out.status).toBe('not_tested');
      expect(out.reasons[0].code).toBe('outside_probe_scope');
      await new Promise((r) => setTimeout(r, 50));
      expect(hole.received()).toBe(0);
    } finally {
      await hole.close();
    }
  });

  it('a host that is not an IP literal is a settings error: it throws', async () => {
    await expect(
      probe.run({ host: 'router.example', port: 1161, credentials: V2C }, {}, context(T0)),
    ).rejects.toThrow(/IP literal/);
  });

  it('leaves no sockets or timers behind after many runs (answers, timeouts, aborts)', async () => {
    const a = await agent();
    const hole = await startBlackHole();
    const count = (kind: string) =>
      process.getActiveResourcesInfo().filter((r) => r === kind).length;
    // Let anything from earlier tests settle before taking the baseline.
    await new Promise((r) => setTimeout(r, 50));
    const before = { udp: count('UDPWRAP'), timers: count('Timeout') };
    try {
      for (let n = 0; n < 20; n++) {
        const ok = await probe.run(target(a, n % 2 ? V3 : V2C), { ...FAST }, context(T0));
        expect(ok.status).toBe('up');
      }
      const silent = await Promise.all(
        Array.from({ length: 10 }, () =>
          probe.run(
            { host: '127.0.0.1', port: hole.port, credentials: V2C },
            { timeoutMs: 50, retries: 1 },
            context(T0),
          ),
        ),
      );
      expect(silent.every((o) => o.status === 'down')).toBe(true);
      const aborted = await Promise.all(
        Array.from({ length: 10 }, () =>
          probe.run(
            { host: '127.0.0.1', port: hole.port, credentials: V3 },
            { timeoutMs: 5000 },
            context(T0, AbortSignal.timeout(30)),
          ),
        ),
      );
      expect(aborted.every((o) => o.reasons[0]?.code === 'snmp_aborted')).toBe(true);
      await new Promise((r) => setTimeout(r, 100));
      // Our agent and black hole are still open: they were in the baseline too.
      expect({ udp: count('UDPWRAP'), timers: count('Timeout') }).toEqual(before);
    } finally {
      await hole.close();
    }
  });
});
