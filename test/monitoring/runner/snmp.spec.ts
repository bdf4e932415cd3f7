/**
 * snmp checks against net-snmp's in-process agent on loopback: credentials from the secrets
 * provider (sealed with the SecretBox, as `devices.snmp_secret` is), rates across two runs via
 * the previous result's observations, and the circuit's contracted rate.
 */
import { randomBytes } from 'node:crypto';
import { ProbeScope } from '../../../probes/scope';
import type { SnmpCredentials } from '../../../probes/snmp/session';
import { SecretBox } from '../../../src/common/secret-box';
import { deviceSnmpSecrets } from '../../../src/monitoring/runner/snmp-credentials';
import { startBlackHole, startTestAgent, type TestAgent } from '../../probes/snmp/test-agent';
import { check, codes, expectWellFormed, runnerFor } from './support';

const T0 = Date.parse('2025-03-01T08:00:00Z');
const COMMUNITY = 'nw-runner-ro';

describe('CheckRunner snmp', () => {
  let agent: TestAgent;
  const box = new SecretBox(randomBytes(32));
  const rows = new Map([
    [
      'dev-1',
      {
        snmpVersion: 'v2c',
        snmpUsername: null,
        snmpAuthProtocol: null,
        snmpPrivProtocol: null,
        snmpSecret: box.seal(JSON.stringify({ community: COMMUNITY })),
      },
    ],
    [
      'dev-off',
      {
        snmpVersion: 'none',
        snmpUsername: null,
        snmpAuthProtocol: null,
        snmpPrivProtocol: null,
        snmpSecret: null,
      },
    ],
  ]);
  const secrets = deviceSnmpSecrets(async (id) => rows.get(id) ?? null, box);

  beforeAll(async () => {
    agent = await startTestAgent({
      communities: [COMMUNITY],
      system: { descr: 'test router', name: 'r1', upTimeTicks: 100_000 },
      interfaces: [
        {
          ifIndex: 1,
          descr: 'eth0',
          speed: 1_000_000_000,
          admin: 1,
          oper: 1,
          inOctets: 0,
          outOctets: 0,
          x: { name: 'eth0', highSpeed: 1000, hcIn: 1_000_000n, hcOut: 2_000_000n },
        },
        {
          ifIndex: 2,
          descr: 'eth1',
          speed: 1_000_000_000,
          admin: 1,
          oper: 1,
          inOctets: 0,
          outOctets: 0,
          x: { name: 'eth1', highSpeed: 1000, hcIn: 5n, hcOut: 5n },
        },
      ],
    });
  });
  afterAll(async () => agent.close());

  const circuit = (deviceId: string, port: number, o: { timeoutMs?: number } = {}) =>
    check(
      'snmp',
      {
        deviceId,
        address: '127.0.0.1',
        interface: { id: 'if-1', name: 'eth0', ifIndex: 1, end: 'a' },
      },
      {
        family: 4,
        timeoutMs: o.timeoutMs ?? 10_000,
        settings: { port, requestTimeoutMs: 500, retries: 0, contractedRateKbps: { '1': 1000 } },
      },
    );

  it('is up, and computes rates across two runs from the stored previous observations', async () => {
    let now = T0;
    const runner = runnerFor({ dnsPort: 53, secrets, now: () => new Date(now) });
    const first = await runner.run(circuit('dev-1', agent.port));
    expectWellFormed(first);
    expect(first.status).toBe('up');
    expect(first.family).toBe(4);
    expect(first.latencyMs).toEqual(expect.any(Number));
    // Only the circuit's interface is kept (it is the monitored one).
    const ifaces1 = first.observations.interfaces as {
      ifIndex: number;
      rateUnavailable: string | null;
    }[];
    expect(ifaces1.map((i) => i.ifIndex)).toEqual([1]);
    expect(ifaces1[0].rateUnavailable).toBe('first observation');
    expect(JSON.stringify(first.observations)).not.toContain(COMMUNITY);

    // 60 s later: 450 000 octets in (60 kbit/s), 75 000 out (10 kbit/s).
    now = T0 + 60_000;
    agent.setUptime(100_000 + 6000);
    agent.setCounters(1, { hcIn: 1_450_000n, hcOut: 2_075_000n });
    const stored = JSON.parse(JSON.stringify(first.observations)) as unknown;
    const second = await runner.run(circuit('dev-1', agent.port), { observations: stored });
    expect(second.status).toBe('up');
    const iface = (second.observations.interfaces as Record<string, unknown>[])[0];
    expect(iface).toMatchObject({
      ifIndex: 1,
      monitored: true,
      rate: { inBps: 60_000, outBps: 10_000, intervalSeconds: 60 },
      capacity: { bps: 1_000_000, source: 'contracted' },
      utilisation: { inPercent: 6, outPercent: 1 },
    });
  });

  it('is not_tested "SNMP not configured" without credentials', async () => {
    const r = await runnerFor({ dnsPort: 53, secrets }).run(circuit('dev-off', agent.port));
    expect(r.status).toBe('not_tested');
    expect(r.reasons).toEqual([
      { code: 'snmp_not_configured', message: 'SNMP not configured on device dev-off' },
    ]);
    const unknown = await runnerFor({ dnsPort: 53, secrets }).run(
      circuit('no-such-device', agent.port),
    );
    expect(unknown.status).toBe('not_tested');
    expect(unknown.reasons[0].code).toBe('snmp_not_configured');
  });

  it('is not_tested when the credentials cannot be opened (never down)', async () => {
    const broken = deviceSnmpSecrets(
      async () => ({ ...rows.get('dev-1')!, snmpSecret: 'v1:AAAA' }),
      box,
    );
    const r = await runnerFor({ dnsPort: 53, secrets: broken }).run(circuit('dev-1', agent.port));
    expect(r.status).toBe('not_tested');
    expect(r.reasons[0].code).toBe('snmp_credentials_unreadable');
  });

  it('sends nothing to an agent outside the scope', async () => {
    const hole = await startBlackHole('127.0.0.1');
    try {
      let asked = 0;
      const counting = {
        snmpCredentials: async (): Promise<SnmpCredentials> => {
          asked++;
          return { version: 'v2c', community: COMMUNITY };
        },
      };
      const r = await runnerFor({
        dnsPort: 53,
        secrets: counting,
        scope: ProbeScope.parse('::1/128'),
      }).run(circuit('dev-1', hole.port));
      expect(r.status).toBe('not_tested');
      expect(codes(r.reasons)).toEqual(['outside_scope']);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(hole.received()).toBe(0);
      expect(asked).toBe(0);
    } finally {
      await hole.close();
    }
  });

  it('ends a silent agent at the check deadline', async () => {
    const hole = await startBlackHole('127.0.0.1');
    try {
      const started = performance.now();
      const c = circuit('dev-1', hole.port, { timeoutMs: 300 });
      c.settings = { ...c.settings, requestTimeoutMs: 5000, retries: 3 };
      const r = await runnerFor({ dnsPort: 53, secrets }).run(c);
      expect(r.status).toBe('down');
      expect(codes(r.reasons)).toContain('deadline');
      expect(performance.now() - started).toBeLessThan(300 + 500);
      expect(hole.received()).toBeGreaterThan(0);
    } finally {
      await hole.close();
    }
  });
});
