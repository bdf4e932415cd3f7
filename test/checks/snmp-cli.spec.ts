import { netwatch } from '../support/cli';
import { startTestAgent, TestAgent } from '../probes/snmp/test-agent';

interface Report {
  status: string;
  reasons: string[];
  observations: {
    sysName: string;
    interfaces: {
      ifIndex: number;
      ifName: string | null;
      rate: { inBps: number } | null;
      capacity: { bps: number; source: string } | null;
    }[];
  };
}

/** `netwatch check snmp` against net-snmp's own agent on loopback. */
describe('netwatch check snmp', () => {
  let agent: TestAgent;
  beforeAll(async () => {
    agent = await startTestAgent({
      communities: ['nw-test-ro'],
      system: { descr: 'Test router', name: 'tthc-core-rt01', upTimeTicks: 360_000 },
      interfaces: [
        {
          ifIndex: 1,
          descr: 'Gi0/0',
          speed: 1_000_000_000,
          admin: 1,
          oper: 1,
          inOctets: 1000,
          outOctets: 2000,
          x: { name: 'Gi0/0', highSpeed: 1000, hcIn: 10_000n, hcOut: 20_000n },
        },
        {
          ifIndex: 2,
          descr: 'Gi0/1',
          speed: 1_000_000_000,
          admin: 1,
          oper: 2,
          inOctets: 0,
          outOctets: 0,
          x: { name: 'Gi0/1', highSpeed: 1000, hcIn: 0n, hcOut: 0n },
        },
      ],
    });
  });
  afterAll(async () => agent.close());

  const base = () => [
    'check',
    'snmp',
    '127.0.0.1',
    '--port',
    String(agent.port),
    '--timeout',
    '500',
    '--retries',
    '0',
    '--json',
  ];

  it('reads the system group and interfaces over v2c (community from the environment)', async () => {
    const run = await netwatch(base(), { NETWATCH_SNMP_COMMUNITY: 'nw-test-ro' });
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.status).toBe('up');
    expect(report.observations.sysName).toBe('tthc-core-rt01');
    expect(report.observations.interfaces.map((i) => i.ifName)).toEqual(['Gi0/0', 'Gi0/1']);
    expect(run.stdout).not.toContain('nw-test-ro');
  });

  it('is degraded when a watched interface is down, and uses the contracted rate for utilisation', async () => {
    const run = await netwatch([
      ...base(),
      '--community',
      'nw-test-ro',
      '--watch',
      'Gi0/1',
      '--rate',
      'Gi0/0=10000',
    ]);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.status).toBe('degraded');
    expect(report.reasons.join(' ')).toMatch(/Gi0\/1/);
    expect(report.observations.interfaces[0].capacity).toEqual({
      bps: 10_000_000,
      source: 'contracted',
    });
  });

  it('shows traffic rates when sampling twice', async () => {
    // The counter grows steadily (1 Mbit/s) whatever the CLI's start-up time under load.
    let hcIn = 10_000n;
    const ticker = setInterval(() => {
      hcIn += 12_500n;
      agent.setCounters(1, { hcIn, hcOut: 20_000n });
    }, 100);
    try {
      const run = await netwatch([...base(), '--community', 'nw-test-ro', '--sample-seconds', '1']);
      const rate = (JSON.parse(run.stdout) as Report).observations.interfaces[0].rate;
      expect(rate?.inBps).toBeGreaterThan(500_000);
      expect(rate?.inBps).toBeLessThan(2_000_000);
    } finally {
      clearInterval(ticker);
    }
  });

  it('is down (exit 1) with a wrong community', async () => {
    const run = await netwatch([...base(), '--community', 'wrong']);
    expect(run.code).toBe(1);
    expect((JSON.parse(run.stdout) as Report).status).toBe('down');
  });

  it('exits 2 without credentials or with a host name', async () => {
    expect((await netwatch(['check', 'snmp', '127.0.0.1'])).code).toBe(2);
    expect((await netwatch(['check', 'snmp', 'router/example', '--community', 'x'])).code).toBe(2);
  });
});
