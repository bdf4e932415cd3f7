import { isIP, Socket } from 'node:net';
import type { AddressFamily, Probe, ProbeContext, ProbeOutcome, Reason } from '../probe';
import { inScope, isDeadline, outsideScopeOutcome } from '../run';

/** One TCP endpoint: an IP literal (the family is the address's own, never chosen for us) and a port. */
export interface TcpTarget {
  address: string;
  port: number;
}

export interface TcpSettings {
  /** Give up connecting after this long (default 5000 ms); the run's deadline can end it sooner. */
  connectTimeoutMs?: number;
  /**
   * The banner the service must send after the connection opens (SSH, SMTP, FTP, POP3, IMAP),
   * as a regular expression (source text or a RegExp), matched against the bytes read so far
   * (decoded as Latin-1). Implies reading the banner.
   */
  expectBanner?: string | RegExp;
  /** Read (and record) the banner even without `expectBanner`. */
  readBanner?: boolean;
  /** How long to wait for the banner after connecting (default 2000 ms). */
  readBannerMs?: number;
  /** Stop reading after this many bytes (default 512, at most 65536). */
  bannerMaxBytes?: number;
  /** Connect latency above this makes the outcome `degraded` (reason `slow`). Default: never. */
  slowConnectMs?: number;
}

export interface TcpObservations {
  address: string;
  port: number;
  family: AddressFamily;
  /** The three-way handshake completed. */
  connected: boolean;
  /** From `connect()` to the handshake completing, milliseconds; null when it did not. */
  connectMs: number | null;
  /** The bytes read after connecting, decoded as Latin-1 (null when no banner was read). */
  banner: string | null;
  /** From the handshake to the first banner byte, milliseconds. */
  bannerMs: number | null;
  /** Whether `expectBanner` matched (null when there was nothing to match). */
  bannerMatched: boolean | null;
  /** The socket error, as Node reports it (`ECONNREFUSED`, `ECONNRESET`, ...). */
  error: { code: string; message: string } | null;
}

const DEFAULTS = { connectTimeoutMs: 5000, readBannerMs: 2000, bannerMaxBytes: 512 } as const;

function positive(name: string, value: number | undefined, fallback: number, max = 3_600_000) {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < 0 || v > max)
    throw new TypeError(`tcp probe: ${name} must be a number from 0 to ${max}, got ${value}`);
  return v;
}

/** Checks target and settings; throws on what validation upstream should have refused. */
function prepare(target: TcpTarget, settings: TcpSettings) {
  const family = isIP(target.address);
  if (family === 0)
    throw new TypeError(`tcp probe: ${JSON.stringify(target.address)} is not an IP address`);
  if (family === 6 && /^::ffff:[0-9.]+$/i.test(target.address))
    throw new TypeError(
      `tcp probe: ${target.address} is an IPv4-mapped IPv6 address; probe the IPv4 address instead`,
    );
  if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65535)
    throw new TypeError(`tcp probe: port must be an integer from 1 to 65535, got ${target.port}`);
  let expect: RegExp | null = null;
  // `g` and `y` make test() stateful (lastIndex); the probe wants a plain match.
  if (settings.expectBanner instanceof RegExp)
    expect = new RegExp(
      settings.expectBanner.source,
      settings.expectBanner.flags.replace(/[gy]/g, ''),
    );
  else if (typeof settings.expectBanner === 'string') {
    try {
      expect = new RegExp(settings.expectBanner);
    } catch (err) {
      throw new TypeError(
        `tcp probe: expectBanner is not a valid regular expression: ${(err as Error).message}`,
      );
    }
  }
  return {
    family: family as AddressFamily,
    expect,
    readBanner: expect !== null || settings.readBanner === true,
    connectTimeoutMs: positive(
      'connectTimeoutMs',
      settings.connectTimeoutMs,
      DEFAULTS.connectTimeoutMs,
    ),
    readBannerMs: positive('readBannerMs', settings.readBannerMs, DEFAULTS.readBannerMs),
    bannerMaxBytes: Math.max(
      1,
      positive('bannerMaxBytes', settings.bannerMaxBytes, DEFAULTS.bannerMaxBytes, 65536),
    ),
    slowConnectMs: settings.slowConnectMs,
  };
}

/** How a socket error reads as a status and a reason. */
function classify(
  code: string,
  message: string,
  where: string,
  phase: 'connect' | 'banner',
): { status: 'down' | 'not_tested'; reason: Reason; answered: boolean } {
  switch (code) {
    case 'ECONNREFUSED':
      return {
        status: 'down',
        reason: { code: 'refused', message: `connection to ${where} refused` },
        answered: true,
      };
    case 'ECONNRESET':
    case 'EPIPE':
      return {
        status: 'down',
        reason: {
          code: 'reset',
          message: `connection to ${where} reset${phase === 'banner' ? ' before the banner' : ''}`,
        },
        answered: true,
      };
    case 'ETIMEDOUT':
      return {
        status: 'down',
        reason: { code: 'timeout', message: `connection to ${where} timed out (${message})` },
        answered: false,
      };
    case 'EHOSTUNREACH':
      return {
        status: 'down',
        reason: { code: 'unreachable', message: `${where}: host unreachable` },
        answered: false,
      };
    // The probe host itself cannot send there: no route for the family, no address of it.
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
    case 'EAFNOSUPPORT':
      return {
        status: 'not_tested',
        reason: {
          code: 'no_route',
          message: `the probe host cannot reach ${where}: ${message}`,
        },
        answered: false,
      };
    default:
      return {
        status: 'down',
        reason: { code: 'network', message: `${where}: ${message}` },
        answered: false,
      };
  }
}

/**
 * TCP connect, and optionally the service's banner: connect latency from `connect()` to the
 * completed handshake, then (when asked) the first bytes the service sends, matched against a
 * regular expression. The socket is always destroyed, and the probe resolves only after it has
 * closed, so a run leaves no handle behind.
 */
export class TcpProbe implements Probe<TcpTarget, TcpSettings, TcpObservations> {
  readonly kind = 'tcp';

  async run(
    target: TcpTarget,
    settings: TcpSettings,
    context: ProbeContext,
  ): Promise<ProbeOutcome<TcpObservations>> {
    const s = prepare(target, settings);
    const where =
      s.family === 6 ? `[${target.address}]:${target.port}` : `${target.address}:${target.port}`;
    const observations: TcpObservations = {
      address: target.address,
      port: target.port,
      family: s.family,
      connected: false,
      connectMs: null,
      banner: null,
      bannerMs: null,
      bannerMatched: null,
      error: null,
    };
    if (!inScope(context, target.address, target.port))
      return outsideScopeOutcome(target.address, observations);
    const { signal } = context;
    const abortedOutcome = (phase: string): ProbeOutcome<TcpObservations> =>
      isDeadline(signal)
        ? {
            status: 'down',
            family: observations.connected ? s.family : null,
            observations,
            reasons: [{ code: 'timeout', message: `${where}: run deadline reached ${phase}` }],
          }
        : {
            status: 'not_tested',
            family: null,
            observations,
            reasons: [{ code: 'aborted', message: `aborted by the caller ${phase}` }],
          };
    if (signal.aborted) return abortedOutcome('before connecting');

    return new Promise((resolve) => {
      const socket = new Socket();
      let timer: NodeJS.Timeout | undefined;
      let finished = false;
      let closed = false;
      let pending: ProbeOutcome<TcpObservations> | null = null;
      let connectStart = 0;
      let connectedAt = 0;
      const chunks: Buffer[] = [];
      let received = 0;

      socket.once('close', () => {
        closed = true;
        if (pending) resolve(pending);
      });
      const finish = (outcome: ProbeOutcome<TcpObservations>) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        pending = outcome;
        socket.destroy();
        if (closed) resolve(outcome);
      };
      const phase = () =>
        observations.connected ? 'while waiting for the banner' : 'while connecting';
      const onAbort = () => finish(abortedOutcome(phase()));
      signal.addEventListener('abort', onAbort, { once: true });

      const up = (extra: Reason[] = []): ProbeOutcome<TcpObservations> => {
        const slow =
          s.slowConnectMs !== undefined &&
          observations.connectMs !== null &&
          observations.connectMs > s.slowConnectMs;
        return {
          status: slow ? 'degraded' : 'up',
          family: s.family,
          observations,
          reasons: slow
            ? [
                {
                  code: 'slow',
                  message: `connect took ${observations.connectMs?.toFixed(1)} ms (limit ${s.slowConnectMs} ms)`,
                },
                ...extra,
              ]
            : extra,
        };
      };
      const banner = () => Buffer.concat(chunks).toString('latin1');
      /** The banner phase is over: judge what was read. */
      const judgeBanner = (why: 'timeout' | 'closed' | 'full') => {
        const text = banner();
        observations.banner = received > 0 ? text : null;
        if (!s.expect) return finish(up());
        observations.bannerMatched = received > 0 ? s.expect.test(text) : false;
        if (observations.bannerMatched) return finish(up());
        if (received === 0) {
          const reason: Reason =
            why === 'closed'
              ? { code: 'closed', message: `${where} closed the connection without a banner` }
              : {
                  code: 'banner_timeout',
                  message: `${where} sent no banner within ${s.readBannerMs} ms`,
                };
          return finish({ status: 'down', family: s.family, observations, reasons: [reason] });
        }
        return finish({
          status: 'down',
          family: s.family,
          observations,
          reasons: [
            {
              code: 'banner_mismatch',
              message: `banner from ${where} does not match ${s.expect}: ${JSON.stringify(text.slice(0, 120))}`,
            },
          ],
        });
      };

      socket.on('error', (err: NodeJS.ErrnoException) => {
        const code = err.code ?? 'ERROR';
        observations.error = { code, message: err.message };
        if (observations.connected && s.readBanner && received > 0 && code === 'ECONNRESET') {
          // A reset after some bytes: judge what came (a banner then an abrupt close).
          return judgeBanner('closed');
        }
        const c = classify(code, err.message, where, observations.connected ? 'banner' : 'connect');
        finish({
          status: c.status,
          family: c.answered ? s.family : null,
          observations,
          reasons: [c.reason],
        });
      });
      socket.on('connect', () => {
        connectedAt = performance.now();
        observations.connected = true;
        observations.connectMs = connectedAt - connectStart;
        clearTimeout(timer);
        if (!s.readBanner) return finish(up());
        timer = setTimeout(() => judgeBanner('timeout'), s.readBannerMs);
      });
      socket.on('data', (chunk: Buffer) => {
        if (finished) return;
        if (received === 0) observations.bannerMs = performance.now() - connectedAt;
        const room = s.bannerMaxBytes - received;
        chunks.push(chunk.subarray(0, room));
        received += Math.min(chunk.length, room);
        const text = banner();
        if (s.expect?.test(text)) {
          observations.banner = text;
          observations.bannerMatched = true;
          return finish(up());
        }
        if (received >= s.bannerMaxBytes) return judgeBanner('full');
        // Without an expectation, the first complete line is the banner.
        if (!s.expect && text.includes('\n')) return judgeBanner('full');
      });
      socket.on('end', () => judgeBanner('closed'));

      timer = setTimeout(
        () =>
          finish({
            status: 'down',
            family: null,
            observations,
            reasons: [
              {
                code: 'timeout',
                message: `no connection to ${where} within ${s.connectTimeoutMs} ms`,
              },
            ],
          }),
        s.connectTimeoutMs,
      );
      connectStart = performance.now();
      socket.connect({ host: target.address, port: target.port, family: s.family, noDelay: true });
    });
  }
}
