import { isIP, Socket } from 'node:net';
import { connectErrorCode } from '../net';
import type { AddressFamily, Probe, ProbeContext, ProbeOutcome } from '../probe';
import type { ProbeScope } from '../scope';

/**
 * The SMTP greeting of one address (RFC 5321 §3.1, §4.2): connect over the address's own family
 * (an IP literal, so nothing is resolved and nothing falls back), read the greeting, succeed on
 * a complete `220` reply (multi-line `220-` continuations handled), then say `QUIT` and close.
 *
 * A target that does not greet properly is a result, never an exception.
 */

export interface SmtpBannerOptions {
  /** An IP literal; its family is the family used. */
  address: string;
  /** Default 25. */
  port?: number;
  /** Connect plus greeting, in ms (default 10000). The signal can end it sooner. */
  timeoutMs?: number;
  /** How long to wait for the reply to QUIT (default 2000); it never changes the verdict. */
  quitTimeoutMs?: number;
  /** A greeting longer than this is refused as garbage (default 8192 bytes). */
  maxGreetingBytes?: number;
  signal?: AbortSignal;
  /** Addresses outside the scope are not contacted: `out_of_scope`. */
  scope?: ProbeScope;
}

export type SmtpErrorCode =
  /** The address is not an IP literal (nothing sent). */
  | 'bad_address'
  /** The address is outside the probe scope (nothing sent). */
  | 'out_of_scope'
  /** TCP connection refused (RST): nothing listens on the port. */
  | 'refused'
  /** No connection, or no complete greeting, before the deadline. */
  | 'timeout'
  /** No route to the host or network (ICMP unreachable, failed neighbour discovery). */
  | 'unreachable'
  /** The server reset the connection. */
  | 'reset'
  /** The server closed the connection before a complete greeting. */
  | 'closed'
  /** A well-formed reply whose code is not 220 (554 = "no SMTP service here"). */
  | 'not_220'
  /** Bytes that are not an SMTP reply (another protocol on the port, a broken server). */
  | 'garbage'
  /** The caller's signal ended the check. */
  | 'aborted'
  | 'network';

export interface SmtpBannerTimings {
  /** TCP handshake. */
  connectMs?: number;
  /** From connection to the complete greeting. */
  greetingMs?: number;
  totalMs: number;
}

export interface SmtpBannerSuccess {
  ok: true;
  address: string;
  port: number;
  family: AddressFamily;
  code: 220;
  /** The greeting's text, one entry per line, code and separator removed. */
  lines: string[];
  /** Every line ended with CRLF, as RFC 5321 §2.3.8 requires (bare LF is tolerated). */
  crlf: boolean;
  timings: SmtpBannerTimings;
  /** The reply code to QUIT (221 expected), null when none came in time. */
  quitReply: number | null;
}

export interface SmtpBannerFailure {
  ok: false;
  address: string;
  port: number;
  family: AddressFamily | null;
  error: { code: SmtpErrorCode; message: string; phase: 'setup' | 'connect' | 'greeting' };
  /** The reply code, when a well-formed reply came (`not_220`). */
  replyCode?: number;
  /** What the server sent, for the record (at most 512 bytes, as text). */
  received?: string;
  timings: SmtpBannerTimings;
}

export type SmtpBannerResult = SmtpBannerSuccess | SmtpBannerFailure;

const DEFAULTS = { port: 25, timeoutMs: 10_000, quitTimeoutMs: 2000, maxGreetingBytes: 8192 };

/** A reply line: three digits (first 2-5), then `-` (more lines follow), space or end. */
const REPLY_LINE = /^([2-5][0-9][0-9])(?:([ -])(.*))?$/s;
/** The start of a line that can still become a reply line. */
const REPLY_PREFIX = /^(?:[2-5](?:[0-9](?:[0-9](?:[ -].*)?)?)?)?$/s;

export type ReplyParse =
  | { kind: 'incomplete' }
  | { kind: 'reply'; code: number; lines: string[]; crlf: boolean; consumed: number }
  | { kind: 'garbage'; message: string };

/**
 * Parses one SMTP reply from the start of `data` (RFC 5321 §4.2.1): lines `NNN-text` continue,
 * `NNN text` or `NNN` ends; every line must carry the same code. Lines end with CRLF; a bare LF
 * is accepted and noted. Fails as soon as the bytes cannot become a reply.
 */
export function parseReply(data: Buffer): ReplyParse {
  const text = data.toString('latin1');
  let offset = 0;
  let code: number | null = null;
  const lines: string[] = [];
  let crlf = true;
  for (;;) {
    const end = text.indexOf('\n', offset);
    const raw = end < 0 ? text.slice(offset) : text.slice(offset, end);
    if (end < 0) {
      if (!REPLY_PREFIX.test(raw.replace(/\r$/, '')))
        return { kind: 'garbage', message: `not an SMTP reply line` };
      return { kind: 'incomplete' };
    }
    const hasCr = raw.endsWith('\r');
    const line = hasCr ? raw.slice(0, -1) : raw;
    if (!hasCr) crlf = false;
    const match = REPLY_LINE.exec(line);
    if (!match) return { kind: 'garbage', message: `not an SMTP reply line` };
    const lineCode = Number(match[1]);
    if (code !== null && lineCode !== code) {
      return {
        kind: 'garbage',
        message: `reply code changes from ${code} to ${lineCode} inside one reply`,
      };
    }
    code = lineCode;
    // Parsed as latin1 so offsets are byte offsets; the text itself is UTF-8 (RFC 6531).
    lines.push(Buffer.from(match[3] ?? '', 'latin1').toString('utf8'));
    offset = end + 1;
    if (match[2] !== '-') return { kind: 'reply', code, lines, crlf, consumed: offset };
  }
}

/** Printable, bounded rendering of what a server sent. */
function printable(data: Buffer): string {
  const text = data.subarray(0, 512).toString('utf8');
  return JSON.stringify(text).slice(1, -1);
}

function errnoCode(err: NodeJS.ErrnoException): SmtpErrorCode {
  return connectErrorCode(err.code);
}

/** Reads the SMTP greeting of one address. Never throws for target failures. */
export async function readSmtpBanner(options: SmtpBannerOptions): Promise<SmtpBannerResult> {
  const port = options.port ?? DEFAULTS.port;
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const quitTimeoutMs = options.quitTimeoutMs ?? DEFAULTS.quitTimeoutMs;
  const maxBytes = options.maxGreetingBytes ?? DEFAULTS.maxGreetingBytes;
  const { address, signal } = options;
  const version = isIP(address);
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
  const setupFailure = (code: SmtpErrorCode, message: string): SmtpBannerFailure => ({
    ok: false,
    address,
    port,
    family: version === 0 ? null : (version as AddressFamily),
    error: { code, message, phase: 'setup' },
    timings: { totalMs: 0 },
  });
  if (version === 0) return setupFailure('bad_address', `${address} is not an IP address`);
  const family = version as AddressFamily;
  if (options.scope && !options.scope.allows(address, port))
    return setupFailure('out_of_scope', `${address} is outside the probe scope`);
  if (signal?.aborted) return setupFailure('aborted', 'aborted by the caller');

  return new Promise<SmtpBannerResult>((resolve) => {
    const socket = new Socket();
    let phase: 'connect' | 'greeting' | 'quit' = 'connect';
    let connectedAt = 0;
    let received = Buffer.alloc(0);
    let greeting: Omit<SmtpBannerSuccess, 'quitReply' | 'timings'> | null = null;
    let greetingMs = 0;
    let settled = false;
    let quitTimer: NodeJS.Timeout | undefined;

    const connectMs = () =>
      connectedAt ? Math.round((connectedAt - started) * 10) / 10 : undefined;

    const cleanup = () => {
      clearTimeout(timer);
      clearTimeout(quitTimer);
      signal?.removeEventListener('abort', onAbort);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.destroy();
    };
    const fail = (code: SmtpErrorCode, message: string, extra: Partial<SmtpBannerFailure> = {}) => {
      if (settled) return;
      settled = true;
      cleanup();
      const failurePhase = phase === 'quit' ? 'greeting' : phase;
      resolve({
        ok: false,
        address,
        port,
        family,
        error: { code, message, phase: failurePhase },
        ...(received.length ? { received: printable(received) } : {}),
        ...extra,
        timings: { connectMs: connectMs(), totalMs: elapsed() },
      });
    };
    const succeed = (quitReply: number | null) => {
      if (settled || !greeting) return;
      settled = true;
      cleanup();
      resolve({
        ...greeting,
        quitReply,
        timings: { connectMs: connectMs(), greetingMs, totalMs: elapsed() },
      });
    };

    const where = family === 6 ? `[${address}]:${port}` : `${address}:${port}`;
    const timer = setTimeout(() => {
      if (phase === 'connect')
        fail('timeout', `no TCP connection to ${where} within ${timeoutMs} ms`);
      else if (phase === 'greeting')
        fail('timeout', `connected to ${where}, but no complete greeting within ${timeoutMs} ms`);
    }, timeoutMs);
    const onAbort = () => {
      if (phase === 'quit') succeed(null);
      else fail('aborted', 'aborted by the caller');
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (phase === 'quit') return succeed(null);
      fail(
        errnoCode(err),
        `${phase === 'connect' ? 'connect to' : 'reading from'} ${where}: ${err.message}`,
      );
    });
    socket.on('close', () => {
      if (phase === 'quit') return succeed(null);
      fail(
        'closed',
        `${where} closed the connection before a complete greeting` +
          (received.length ? '' : ' (nothing received)'),
      );
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (phase === 'quit') {
        const reply = parseReply(received);
        if (reply.kind === 'reply') succeed(reply.code);
        else if (reply.kind === 'garbage' || received.length > maxBytes) succeed(null);
        return;
      }
      const reply = parseReply(received);
      if (reply.kind === 'incomplete') {
        if (received.length > maxBytes)
          fail('garbage', `greeting from ${where} longer than ${maxBytes} bytes`);
        return;
      }
      if (reply.kind === 'garbage') {
        return fail(
          'garbage',
          `${where} sent something that is not an SMTP greeting: ${reply.message}`,
        );
      }
      if (reply.code !== 220) {
        const meaning = reply.code === 554 ? ' (554: no SMTP service here)' : '';
        return fail('not_220', `${where} greeted with ${reply.code} instead of 220${meaning}`, {
          replyCode: reply.code,
        });
      }
      greeting = {
        ok: true,
        address,
        port,
        family,
        code: 220,
        lines: reply.lines,
        crlf: reply.crlf,
      };
      greetingMs = Math.round((performance.now() - connectedAt) * 10) / 10;
      // Polite end of session (RFC 5321 §4.1.1.10); its reply is only recorded.
      phase = 'quit';
      clearTimeout(timer);
      received = received.subarray(reply.consumed);
      quitTimer = setTimeout(() => succeed(null), quitTimeoutMs);
      socket.write('QUIT\r\n');
    });

    socket.connect({ host: address, port, family }, () => {
      connectedAt = performance.now();
      phase = 'greeting';
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The probe contract

export interface SmtpBannerTarget {
  address: string;
  port?: number;
}

export type SmtpBannerSettings = Omit<SmtpBannerOptions, 'address' | 'port' | 'signal'>;

export type SmtpBannerObservations = Omit<SmtpBannerSuccess, 'ok'> | Omit<SmtpBannerFailure, 'ok'>;

/** The outcome a banner result means: 220 → up, outside scope → not_tested, anything else → down. */
export function bannerOutcome(result: SmtpBannerResult): ProbeOutcome<SmtpBannerObservations> {
  const { ok: _ok, ...observations } = result;
  if (result.ok) return { status: 'up', family: result.family, observations, reasons: [] };
  const notTested = result.error.code === 'out_of_scope' || result.error.code === 'aborted';
  // Something answered on this family when a connection was made, even if it answered wrongly.
  const answered = result.timings.connectMs !== undefined;
  return {
    status: notTested ? 'not_tested' : 'down',
    family: answered ? result.family : null,
    observations,
    reasons: [{ code: `smtp_${result.error.code}`, message: result.error.message }],
  };
}

export class SmtpBannerProbe implements Probe<
  SmtpBannerTarget,
  SmtpBannerSettings,
  SmtpBannerObservations
> {
  readonly kind = 'smtp-banner';

  async run(
    target: SmtpBannerTarget,
    settings: SmtpBannerSettings,
    context: ProbeContext,
  ): Promise<ProbeOutcome<SmtpBannerObservations>> {
    const result = await readSmtpBanner({ ...settings, ...target, signal: context.signal });
    return bannerOutcome(result);
  }
}
