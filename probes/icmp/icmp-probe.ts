import { execFile } from 'node:child_process';
import { isIP } from 'node:net';
import type { AddressFamily, Probe, ProbeContext, ProbeOutcome, Reason } from '../probe';
import { inScope, isDeadline, outsideScopeOutcome } from '../run';

/** An IP literal; the family (`-4`/`-6`) is the address's own. Names are never resolved. */
export interface IcmpTarget {
  address: string;
}

export interface IcmpSettings {
  /** Echo requests to send (default 3, 1 to 20). */
  count?: number;
  /** How long to wait for each reply (default 1000 ms; `ping -W` takes whole seconds, rounded up). */
  waitMs?: number;
  /** Gap between requests (default 200 ms, the least iputils allows an unprivileged user). */
  intervalMs?: number;
  /** ICMP payload bytes (default 56, as ping's own default; at most 1472). */
  payloadBytes?: number;
  /** Average round trip above this makes the outcome `degraded` (reason `slow`). Default: never. */
  slowRttMs?: number;
}

export interface IcmpObservations {
  address: string;
  family: AddressFamily;
  /** The arguments ping ran with (the command itself is in `command`). */
  command: string;
  args: string[];
  transmitted: number | null;
  received: number | null;
  lossPercent: number | null;
  rttMinMs: number | null;
  rttAvgMs: number | null;
  rttMaxMs: number | null;
  rttMdevMs: number | null;
  /** One round trip per reply, in arrival order. */
  rttsMs: number[];
  /** ping's exit status (0: replies, 1: none, 2: error); null when it did not run to the end. */
  exitCode: number | null;
  /** The first lines ping wrote to stderr, when it wrote any. */
  stderr: string | null;
}

export interface PingSummary {
  transmitted: number;
  received: number;
  lossPercent: number;
  rtt: { min: number; avg: number; max: number; mdev: number | null } | null;
  rttsMs: number[];
  /** ICMP errors reported instead of replies (`Destination Host Unreachable`, ...). */
  errors: string[];
}

/**
 * Parses the output of iputils `ping -n` (also BusyBox's `round-trip` summary). Null when the
 * statistics line is missing (ping did not get that far).
 */
export function parsePingOutput(stdout: string): PingSummary | null {
  const stats = stdout.match(
    /(\d+) packets transmitted, (\d+) (?:packets )?received(?:, \+\d+ duplicates)?(?:, \+\d+ corrupted)?(?:, \+\d+ errors)?, ([\d.]+)% packet loss/,
  );
  if (!stats) return null;
  const rtt = stdout.match(
    /(?:rtt|round-trip) min\/avg\/max(?:\/(?:mdev|stddev))? = ([\d.]+)\/([\d.]+)\/([\d.]+)(?:\/([\d.]+))? ms/,
  );
  const errors = [
    ...new Set([...stdout.matchAll(/^From \S+ icmp_seq=\d+ (.+)$/gm)].map((m) => m[1].trim())),
  ];
  return {
    transmitted: Number(stats[1]),
    received: Number(stats[2]),
    lossPercent: Number(stats[3]),
    rtt: rtt
      ? {
          min: Number(rtt[1]),
          avg: Number(rtt[2]),
          max: Number(rtt[3]),
          mdev: rtt[4] === undefined ? null : Number(rtt[4]),
        }
      : null,
    rttsMs: parseReplies(stdout),
    errors,
  };
}

/** The round trip of every reply line (`64 bytes from ...: icmp_seq=1 ttl=64 time=0.045 ms`). */
export function parseReplies(stdout: string): number[] {
  return [...stdout.matchAll(/icmp_seq=\d+ .*?time[=<]([\d.]+) ms/g)].map((m) => Number(m[1]));
}

/**
 * Local conditions that stop the probe host from sending ICMP at all: the target is not judged.
 * Matched against ping's stderr (run with LC_ALL=C).
 */
export function classifyPingError(stderr: string): Reason | null {
  if (/sendmsg: Operation not permitted/i.test(stderr))
    return {
      code: 'icmp_unavailable',
      message: `the probe host refused to send ICMP (a local firewall rule?): ${firstLine(stderr, /sendmsg/)}`,
    };
  if (
    /(socket|socktype).*(Operation not permitted|Permission denied)|cap_net_raw|setuid/i.test(
      stderr,
    )
  )
    return {
      code: 'icmp_unavailable',
      message: `no permission for ICMP sockets (run as root, give ping cap_net_raw, or allow the group in net.ipv4.ping_group_range): ${firstLine(stderr, /not permitted|denied/i)}`,
    };
  if (
    /Network is unreachable|Cannot assign requested address|Address family not supported/i.test(
      stderr,
    )
  )
    return {
      code: 'no_route',
      message: `the probe host has no route for this family: ${firstLine(stderr, /unreachable|assign|family/i)}`,
    };
  return null;
}

function firstLine(text: string, pattern?: RegExp): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return (pattern ? lines.find((l) => pattern.test(l)) : undefined) ?? lines[0] ?? '';
}

interface ExecResult {
  exitCode: number | null;
  /** spawn/abort/timeout error code (`ENOENT`, `EACCES`, `ABORT_ERR`), when there was one. */
  errorCode: string | null;
  errorMessage: string | null;
  killed: boolean;
  stdout: string;
  stderr: string;
}

/**
 * Runs ping and resolves once it has exited and been reaped: on abort or timeout execFile calls
 * back at once, before the killed child is gone, so the exit is awaited separately.
 */
function run(
  command: string,
  args: string[],
  signal: AbortSignal,
  timeoutMs: number,
): Promise<ExecResult> {
  return new Promise((resolve) => {
    let result: ExecResult | null = null;
    let exited = false;
    const child = execFile(
      command,
      args,
      {
        signal,
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 256 * 1024,
        windowsHide: true,
        env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
      },
      (error, stdout, stderr) => {
        const e = error as (Error & { code?: number | string; killed?: boolean }) | null;
        result = {
          exitCode: typeof e?.code === 'number' ? e.code : e ? null : 0,
          errorCode: typeof e?.code === 'string' ? e.code : null,
          errorMessage: e ? e.message : null,
          killed: e?.killed === true || e?.name === 'AbortError',
          stdout: String(stdout),
          stderr: String(stderr),
        };
        // Never spawned (ENOENT, EACCES): there is nothing to wait for.
        if (exited || child.pid === undefined) resolve(result);
      },
    );
    child.once('exit', () => {
      exited = true;
      if (result) resolve(result);
    });
  });
}

const LIMITS = {
  count: [1, 20, 3],
  waitMs: [1, 60_000, 1000],
  intervalMs: [200, 60_000, 200],
  payloadBytes: [0, 1472, 56],
} as const;

function setting(name: keyof typeof LIMITS, value: number | undefined): number {
  const [min, max, fallback] = LIMITS[name];
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < min || v > max)
    throw new TypeError(`icmp probe: ${name} must be a number from ${min} to ${max}, got ${value}`);
  return v;
}

export interface IcmpProbeOptions {
  /** The ping executable (default `ping`, found on PATH). Tests point it at stand-ins. */
  command?: string;
}

/**
 * ICMP echo (v4 and v6) through the system's iputils `ping`: Node has no raw sockets. See
 * README.md for what runs, how its output is read, and what needs which privilege.
 */
export class IcmpProbe implements Probe<IcmpTarget, IcmpSettings, IcmpObservations> {
  readonly kind = 'icmp';
  private readonly command: string;

  constructor(options: IcmpProbeOptions = {}) {
    this.command = options.command ?? 'ping';
  }

  async run(
    target: IcmpTarget,
    settings: IcmpSettings,
    context: ProbeContext,
  ): Promise<ProbeOutcome<IcmpObservations>> {
    const ip = isIP(target.address);
    if (ip === 0)
      throw new TypeError(`icmp probe: ${JSON.stringify(target.address)} is not an IP address`);
    if (ip === 6 && /^::ffff:[0-9.]+$/i.test(target.address))
      throw new TypeError(
        `icmp probe: ${target.address} is an IPv4-mapped IPv6 address; probe the IPv4 address instead`,
      );
    const family = ip as AddressFamily;
    const count = Math.trunc(setting('count', settings.count));
    const waitSeconds = Math.ceil(setting('waitMs', settings.waitMs) / 1000);
    const intervalMs = setting('intervalMs', settings.intervalMs);
    const payload = Math.trunc(setting('payloadBytes', settings.payloadBytes));
    // The address is an IP literal (checked above), so it cannot be read as an option.
    const args = [
      '-n',
      '-c',
      String(count),
      '-W',
      String(waitSeconds),
      '-i',
      (intervalMs / 1000).toFixed(3),
      '-s',
      String(payload),
      family === 6 ? '-6' : '-4',
      target.address,
    ];
    const observations: IcmpObservations = {
      address: target.address,
      family,
      command: this.command,
      args,
      transmitted: null,
      received: null,
      lossPercent: null,
      rttMinMs: null,
      rttAvgMs: null,
      rttMaxMs: null,
      rttMdevMs: null,
      rttsMs: [],
      exitCode: null,
      stderr: null,
    };
    if (!inScope(context, target.address)) return outsideScopeOutcome(target.address, observations);
    const { signal } = context;
    const notTested = (reason: Reason): ProbeOutcome<IcmpObservations> => ({
      status: 'not_tested',
      family: null,
      observations,
      reasons: [reason],
    });
    const aborted = (): ProbeOutcome<IcmpObservations> =>
      isDeadline(signal)
        ? {
            status: 'down',
            family: null,
            observations,
            reasons: [{ code: 'timeout', message: `${target.address}: run deadline reached` }],
          }
        : notTested({ code: 'aborted', message: 'aborted by the caller' });
    if (signal.aborted) return aborted();

    // ping's own worst case, plus a second: the probe ends even when run without a deadline.
    const budgetMs = (count - 1) * intervalMs + waitSeconds * 1000 + 1000;
    const r = await run(this.command, args, signal, budgetMs);
    observations.exitCode = r.exitCode;
    observations.stderr = r.stderr.trim()
      ? r.stderr.trim().split('\n').slice(0, 5).join('\n')
      : null;
    const summary = parsePingOutput(r.stdout);
    if (summary) {
      observations.transmitted = summary.transmitted;
      observations.received = summary.received;
      observations.lossPercent = summary.lossPercent;
      observations.rttMinMs = summary.rtt?.min ?? null;
      observations.rttAvgMs = summary.rtt?.avg ?? null;
      observations.rttMaxMs = summary.rtt?.max ?? null;
      observations.rttMdevMs = summary.rtt?.mdev ?? null;
    }
    observations.rttsMs = parseReplies(r.stdout);

    if (signal.aborted) return aborted();
    if (r.errorCode === 'ENOENT')
      return notTested({
        code: 'icmp_unavailable',
        message: `ping not installed (${this.command} not found; install iputils-ping)`,
      });
    if (r.errorCode === 'EACCES')
      return notTested({
        code: 'icmp_unavailable',
        message: `ping cannot be run (${this.command}: permission denied)`,
      });
    const local = classifyPingError(r.stderr);
    if (local) return notTested(local);
    if (r.killed && !summary)
      return {
        status: 'down',
        family: null,
        observations,
        reasons: [
          {
            code: 'timeout',
            message: `${target.address}: ping did not finish within ${budgetMs} ms`,
          },
        ],
      };
    if (!summary)
      return notTested({
        code: 'icmp_error',
        message: `ping gave no statistics (exit ${r.exitCode ?? r.errorCode ?? 'unknown'}): ${firstLine(r.stderr) || firstLine(r.stdout) || r.errorMessage || 'no output'}`,
      });

    const sent = `${summary.transmitted} sent, ${summary.received} received, ${summary.lossPercent}% loss`;
    if (summary.received === 0) {
      const reasons: Reason[] = [
        { code: 'no_reply', message: `no echo reply from ${target.address} (${sent})` },
      ];
      if (summary.errors.length)
        reasons.push({ code: 'unreachable', message: summary.errors.join('; ') });
      return { status: 'down', family: null, observations, reasons };
    }
    const reasons: Reason[] = [];
    if (summary.received < summary.transmitted)
      reasons.push({ code: 'loss', message: `${target.address}: ${sent}` });
    if (
      settings.slowRttMs !== undefined &&
      summary.rtt !== null &&
      summary.rtt.avg > settings.slowRttMs
    )
      reasons.push({
        code: 'slow',
        message: `${target.address}: average round trip ${summary.rtt.avg} ms (limit ${settings.slowRttMs} ms)`,
      });
    return { status: reasons.length ? 'degraded' : 'up', family, observations, reasons };
  }
}
