import {
  accessSync,
  chmodSync,
  constants,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { classifyPingError, IcmpProbe, parsePingOutput } from '../../../probes/icmp/icmp-probe';
import type { ProbeContext } from '../../../probes/probe';
import { runProbe } from '../../../probes/run';
import { ProbeScope } from '../../../probes/scope';

/** The system ping on PATH, as execFile would find it; null when there is none. */
function systemPing(): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'ping');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

const context = (signal = new AbortController().signal): ProbeContext => ({
  signal,
  now: () => new Date(),
});

// Real output of iputils-ping 20221126 (LC_ALL=C), loopback targets.
const OK_V4 = `PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.
64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.045 ms
64 bytes from 127.0.0.1: icmp_seq=2 ttl=64 time=0.043 ms

--- 127.0.0.1 ping statistics ---
2 packets transmitted, 2 received, 0% packet loss, time 201ms
rtt min/avg/max/mdev = 0.043/0.044/0.045/0.001 ms
`;
const OK_V6 = `PING ::1(::1) 56 data bytes
64 bytes from ::1: icmp_seq=1 ttl=64 time=0.185 ms
64 bytes from ::1: icmp_seq=2 ttl=64 time=0.046 ms

--- ::1 ping statistics ---
2 packets transmitted, 2 received, 0% packet loss, time 202ms
rtt min/avg/max/mdev = 0.046/0.115/0.185/0.069 ms
`;
const NO_REPLY = `PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.

--- 127.0.0.1 ping statistics ---
3 packets transmitted, 0 received, 100% packet loss, time 2030ms

`;
const PARTIAL = `PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.
64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.051 ms
64 bytes from 127.0.0.1: icmp_seq=3 ttl=64 time=0.062 ms

--- 127.0.0.1 ping statistics ---
3 packets transmitted, 2 received, 33.3333% packet loss, time 404ms
rtt min/avg/max/mdev = 0.051/0.056/0.062/0.005 ms
`;
const UNREACHABLE = `PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.
From 127.0.0.1 icmp_seq=1 Destination Host Unreachable
From 127.0.0.1 icmp_seq=2 Destination Host Unreachable

--- 127.0.0.1 ping statistics ---
2 packets transmitted, 0 received, +2 errors, 100% packet loss, time 1003ms
`;
const NO_PERMISSION = `ping: socktype: SOCK_RAW
ping: socket: Operation not permitted
ping: => missing cap_net_raw+p capability or setuid?
`;
const BUSYBOX = `PING 127.0.0.1 (127.0.0.1): 56 data bytes
64 bytes from 127.0.0.1: seq=0 ttl=64 time=0.061 ms

--- 127.0.0.1 ping statistics ---
1 packets transmitted, 1 packets received, 0% packet loss
round-trip min/avg/max = 0.061/0.061/0.061 ms
`;

describe('parsePingOutput / classifyPingError', () => {
  it('reads the statistics and every reply of iputils output', () => {
    expect(parsePingOutput(OK_V4)).toEqual({
      transmitted: 2,
      received: 2,
      lossPercent: 0,
      rtt: { min: 0.043, avg: 0.044, max: 0.045, mdev: 0.001 },
      rttsMs: [0.045, 0.043],
      errors: [],
    });
    expect(parsePingOutput(PARTIAL)).toMatchObject({
      transmitted: 3,
      received: 2,
      lossPercent: 33.3333,
    });
    expect(parsePingOutput(NO_REPLY)).toMatchObject({ received: 0, lossPercent: 100, rtt: null });
    expect(parsePingOutput(UNREACHABLE)).toMatchObject({
      transmitted: 2,
      received: 0,
      errors: ['Destination Host Unreachable'],
    });
  });

  it('reads BusyBox summaries; nothing at all when there are no statistics', () => {
    expect(parsePingOutput(BUSYBOX)).toMatchObject({
      received: 1,
      rtt: { min: 0.061, avg: 0.061, max: 0.061, mdev: null },
    });
    expect(parsePingOutput('PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.\n')).toBeNull();
  });

  it('recognises the local conditions that mean the target was not tested', () => {
    expect(classifyPingError(NO_PERMISSION)).toEqual({
      code: 'icmp_unavailable',
      message: expect.stringMatching(/^no permission for ICMP sockets .*Operation not permitted$/),
    });
    expect(classifyPingError('ping: sendmsg: Operation not permitted\n')?.message).toMatch(
      /refused to send ICMP/,
    );
    expect(classifyPingError('ping: connect: Network is unreachable\n')?.code).toBe('no_route');
    expect(classifyPingError('ping: connect: Cannot assign requested address\n')?.code).toBe(
      'no_route',
    );
    expect(classifyPingError('')).toBeNull();
  });
});

describe('IcmpProbe with the system ping (loopback only)', () => {
  const ping = systemPing();
  const probe = new IcmpProbe();

  it.each([
    ['127.0.0.1', 4],
    ['::1', 6],
  ] as const)('echo to %s', async (address, family) => {
    const r = await runProbe(probe, { address }, { count: 2, waitMs: 1000 }, { timeoutMs: 5000 });
    if (ping === null) {
      // Not installed here: the probe says so instead of failing.
      expect(r.status).toBe('not_tested');
      expect(r.reasons).toEqual([
        { code: 'icmp_unavailable', message: expect.stringContaining('ping not installed') },
      ]);
      return;
    }
    expect(r.reasons).toEqual([]);
    expect(r.status).toBe('up');
    expect(r.family).toBe(family);
    expect(r.observations).toMatchObject({
      address,
      family,
      transmitted: 2,
      received: 2,
      lossPercent: 0,
      exitCode: 0,
    });
    expect(r.observations.args).toEqual([
      '-n',
      '-c',
      '2',
      '-W',
      '1',
      '-i',
      '0.200',
      '-s',
      '56',
      family === 6 ? '-6' : '-4',
      address,
    ]);
    expect(r.observations.rttsMs).toHaveLength(2);
    const { rttMinMs, rttAvgMs, rttMaxMs } = r.observations;
    expect(rttMinMs).toBeGreaterThan(0);
    expect(rttMinMs).toBeLessThanOrEqual(rttAvgMs ?? -1);
    expect(rttAvgMs).toBeLessThanOrEqual(rttMaxMs ?? -1);
    expect(rttMaxMs).toBeLessThan(1000);
  });
});

/**
 * Stand-ins for ping (shell scripts that print what iputils prints and send nothing), for the
 * conditions loopback cannot produce: no permission, no route, loss, a hang.
 */
describe('IcmpProbe with stand-in ping commands', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'netwatch-icmp-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A script that records its arguments, writes stdout/stderr and exits with `code`. */
  const standIn = (name: string, stdout: string, stderr: string, code: number, extra = '') => {
    const path = join(dir, name);
    writeFileSync(join(dir, `${name}.out`), stdout);
    writeFileSync(join(dir, `${name}.err`), stderr);
    writeFileSync(
      path,
      `#!/bin/sh\nprintf '%s ' "$@" > '${path}.args'\n${extra}cat '${path}.out'\ncat '${path}.err' >&2\nexit ${code}\n`,
    );
    chmodSync(path, 0o755);
    return { probe: new IcmpProbe({ command: path }), argsFile: `${path}.args` };
  };

  it('ping not installed: not_tested/icmp_unavailable, no crash', async () => {
    const probe = new IcmpProbe({ command: join(dir, 'no-such-ping') });
    const r = await runProbe(probe, { address: '127.0.0.1' }, {}, { timeoutMs: 2000 });
    expect(r.status).toBe('not_tested');
    expect(r.end).toBe('completed');
    expect(r.reasons).toEqual([
      { code: 'icmp_unavailable', message: expect.stringMatching(/^ping not installed/) },
    ]);
  });

  it('no permission for ICMP sockets: not_tested/icmp_unavailable', async () => {
    const { probe } = standIn('noperm', '', NO_PERMISSION, 2);
    const r = await runProbe(probe, { address: '::1' }, {}, { timeoutMs: 2000 });
    expect(r.status).toBe('not_tested');
    expect(r.reasons[0].code).toBe('icmp_unavailable');
    expect(r.reasons[0].message).toMatch(/^no permission for ICMP sockets/);
    expect(r.observations.exitCode).toBe(2);
    expect(r.observations.stderr).toContain('Operation not permitted');
  });

  it('no route for the family on the probe host: not_tested/no_route', async () => {
    const { probe } = standIn(
      'noroute',
      'PING ::1(::1) 56 data bytes\n',
      'ping: connect: Network is unreachable\n',
      2,
    );
    const r = await runProbe(probe, { address: '::1' }, {}, { timeoutMs: 2000 });
    expect(r.status).toBe('not_tested');
    expect(r.reasons.map((x) => x.code)).toEqual(['no_route']);
  });

  it('passes the address and the family explicitly, and the settings', async () => {
    const { probe, argsFile } = standIn('args', OK_V6, '', 0);
    const r = await runProbe(
      probe,
      { address: '::1' },
      { count: 4, waitMs: 1500, intervalMs: 500, payloadBytes: 100 },
      { timeoutMs: 2000 },
    );
    expect(r.status).toBe('up');
    expect(readFileSync(argsFile, 'utf8').trim()).toBe('-n -c 4 -W 2 -i 0.500 -s 100 -6 ::1');
  });

  it('every request lost: down/no_reply; ICMP errors are kept as a reason', async () => {
    const lost = await runProbe(
      standIn('lost', NO_REPLY, '', 1).probe,
      { address: '127.0.0.1' },
      {},
      {
        timeoutMs: 2000,
      },
    );
    expect(lost.status).toBe('down');
    expect(lost.family).toBeNull();
    expect(lost.reasons).toEqual([
      { code: 'no_reply', message: 'no echo reply from 127.0.0.1 (3 sent, 0 received, 100% loss)' },
    ]);
    const unreachable = await runProbe(
      standIn('unreach', UNREACHABLE, '', 1).probe,
      { address: '127.0.0.1' },
      {},
      { timeoutMs: 2000 },
    );
    expect(unreachable.status).toBe('down');
    expect(unreachable.reasons.map((x) => x.code)).toEqual(['no_reply', 'unreachable']);
    expect(unreachable.reasons[1].message).toBe('Destination Host Unreachable');
  });

  it('some requests lost: degraded/loss; slow replies: degraded/slow', async () => {
    const r = await runProbe(
      standIn('partial', PARTIAL, '', 0).probe,
      { address: '127.0.0.1' },
      {},
      {
        timeoutMs: 2000,
      },
    );
    expect(r.status).toBe('degraded');
    expect(r.family).toBe(4);
    expect(r.reasons.map((x) => x.code)).toEqual(['loss']);
    expect(r.observations.rttsMs).toEqual([0.051, 0.062]);
    const slow = await runProbe(
      standIn('slow', OK_V4, '', 0).probe,
      { address: '127.0.0.1' },
      { slowRttMs: 0.01 },
      { timeoutMs: 2000 },
    );
    expect(slow.status).toBe('degraded');
    expect(slow.reasons.map((x) => x.code)).toEqual(['slow']);
  });

  it('output it cannot read: not_tested/icmp_error, not a false down', async () => {
    const r = await runProbe(
      standIn('garbage', 'something else entirely\n', 'ping: weird failure\n', 2).probe,
      { address: '127.0.0.1' },
      {},
      { timeoutMs: 2000 },
    );
    expect(r.status).toBe('not_tested');
    expect(r.reasons).toEqual([
      { code: 'icmp_error', message: 'ping gave no statistics (exit 2): ping: weird failure' },
    ]);
  });

  it('a ping that hangs is killed at the deadline: down/deadline within timeout + margin', async () => {
    const pidFile = join(dir, 'hang.pid');
    const { probe } = standIn('hang', '', '', 0, `echo $$ > '${pidFile}'\nexec sleep 30\n`);
    const started = performance.now();
    const r = await runProbe(probe, { address: '127.0.0.1' }, {}, { timeoutMs: 300 });
    expect(performance.now() - started).toBeLessThan(300 + 200);
    expect(r.status).toBe('down');
    expect(r.reasons.map((x) => x.code)).toEqual(['deadline', 'timeout']);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  });

  it('outside the probe scope: not_tested/outside_scope and ping never runs', async () => {
    const { probe, argsFile } = standIn('scoped', OK_V4, '', 0);
    const r = await runProbe(
      probe,
      { address: '127.0.0.1' },
      {},
      { timeoutMs: 2000, scope: ProbeScope.parse('::1/128') },
    );
    expect(r.status).toBe('not_tested');
    expect(r.reasons).toEqual([
      { code: 'outside_scope', message: 'outside probe scope: 127.0.0.1' },
    ]);
    expect(existsSync(argsFile)).toBe(false);
  });

  it.each([
    [{ address: 'localhost' }, {}, 'not an IP address'],
    [{ address: '-f' }, {}, 'not an IP address'],
    [{ address: '::ffff:127.0.0.1' }, {}, 'IPv4-mapped'],
    [{ address: '127.0.0.1' }, { count: 0 }, 'count must be'],
    [{ address: '127.0.0.1' }, { intervalMs: 10 }, 'intervalMs must be'],
  ])('throws on bad input %j %j before running anything', async (target, settings, message) => {
    const { probe, argsFile } = standIn('bad', OK_V4, '', 0);
    await expect(probe.run(target, settings, context())).rejects.toThrow(message);
    expect(existsSync(argsFile)).toBe(false);
  });
});
