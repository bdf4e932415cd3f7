import { createCipheriv } from 'node:crypto';
import { createSocket, Socket } from 'node:dgram';
import { isIP } from 'node:net';
import * as snmp from 'net-snmp';

/** The same value sets as the inventory (src/inventory/inventory.enums.ts); probes never import src/. */
export const SNMP_AUTH_PROTOCOLS = ['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
export const SNMP_PRIV_PROTOCOLS = ['des', 'aes', 'aes256b', 'aes256r'] as const;
export type SnmpAuthProtocol = (typeof SNMP_AUTH_PROTOCOLS)[number];
export type SnmpPrivProtocol = (typeof SNMP_PRIV_PROTOCOLS)[number];

export type AddressFamily = 4 | 6;

export interface SnmpEndpoint {
  /** An IP literal: the family (udp4 or udp6) follows from it, never chosen for the caller. */
  host: string;
  /** Default 161. */
  port?: number;
}

export type SnmpCredentials =
  | { version: 'v2c'; community: string }
  | {
      /** SNMPv3 with authPriv: the only v3 level NetWatch monitors with. */
      version: 'v3';
      username: string;
      authProtocol: SnmpAuthProtocol;
      authKey: string;
      privProtocol: SnmpPrivProtocol;
      privKey: string;
    };

export interface SessionOptions {
  /** Per attempt; default 2000 ms. */
  timeoutMs?: number;
  /** Resends after the first attempt; default 1. A request fails after timeoutMs * (retries + 1). */
  retries?: number;
  /** getBulk size while walking a subtree; default 25. */
  maxRepetitions?: number;
  signal?: AbortSignal;
}

/** RFC 3414 usmStats counters an agent reports a v3 failure with (1.3.6.1.6.3.15.1.1.N.0). */
export type UsmFailure =
  | 'unsupported_security_level'
  | 'not_in_time_window'
  | 'unknown_user_name'
  | 'unknown_engine_id'
  | 'wrong_digest'
  | 'decryption_error';

export type SnmpErrorCode =
  /** No answer within timeoutMs * (retries + 1). */
  | 'timeout'
  /** The caller's signal fired. */
  | 'aborted'
  /** SNMPv3 security failure, reported by the agent or found in its answer. */
  | 'auth'
  /** The agent answered with an error-status (genErr, noAccess, ...). */
  | 'agent_error'
  /** Socket-level failure (unreachable, EADDRNOTAVAIL, ...). */
  | 'network'
  /** An answer we could not use (malformed, unexpected report, mismatched ids). */
  | 'protocol'
  /** This Node cannot do what the credentials ask (DES without OpenSSL's legacy provider). */
  | 'unsupported';

export class SnmpError extends Error {
  constructor(
    readonly code: SnmpErrorCode,
    message: string,
    readonly usm?: UsmFailure,
  ) {
    super(message);
    this.name = 'SnmpError';
  }
}

/** A decoded value: OCTET STRING as bytes, Counter64 as bigint, missing objects as null. */
export type SnmpValue = number | bigint | Buffer | string | boolean | null;

export interface SnmpVarbind {
  oid: string;
  type: number;
  value: SnmpValue;
  /** noSuchObject, noSuchInstance or endOfMibView. */
  missing: boolean;
}

export interface SnmpSession {
  readonly family: AddressFamily;
  /** One GET for all OIDs; missing objects come back with `missing: true`. */
  get(oids: string[]): Promise<SnmpVarbind[]>;
  /** Every object under `oid` (GETBULK, stops at the subtree's end; never `walk`). */
  subtree(oid: string): Promise<SnmpVarbind[]>;
  /** Idempotent; pending requests fail with `aborted`. */
  close(): void;
}

const DEFAULTS = { port: 161, timeoutMs: 2000, retries: 1, maxRepetitions: 25 } as const;

const USM_FAILURES: Record<string, UsmFailure> = {
  // net-snmp turns the reported usmStats OID into these messages (UsmStats in its index.js).
  'Unsupported Security Level': 'unsupported_security_level',
  'Not In Time Window': 'not_in_time_window',
  'Unknown User Name': 'unknown_user_name',
  'Unknown Engine ID': 'unknown_engine_id',
  'Wrong Digest (incorrect password, community or key)': 'wrong_digest',
  'Decryption Error': 'decryption_error',
};

const USM_EXPLANATIONS: Record<UsmFailure, string> = {
  unsupported_security_level: 'the agent does not offer authPriv for this user',
  not_in_time_window: 'the agent says the request is outside its time window (engine boots/time)',
  unknown_user_name: 'the agent does not know the user',
  unknown_engine_id: 'the agent rejected the engine ID',
  wrong_digest: 'wrong digest: the auth key or auth protocol does not match the agent',
  decryption_error: 'decryption error: the priv key or priv protocol does not match the agent',
};

/** A column of a very large chassis has a few thousand rows; more means a broken agent. */
const MAX_SUBTREE_VARBINDS = 100_000;

/** Numeric order of two dotted OIDs: <0, 0, >0. */
export function compareOids(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

let des: boolean | undefined;

/**
 * Whether this Node can encrypt with DES-CBC (SNMPv3 `des` privacy). OpenSSL 3 keeps DES in its
 * legacy provider: `node --openssl-legacy-provider` (or NODE_OPTIONS) enables it.
 */
export function desAvailable(): boolean {
  if (des === undefined) {
    try {
      createCipheriv('des-cbc', Buffer.alloc(8), Buffer.alloc(8));
      des = true;
    } catch {
      des = false;
    }
  }
  return des;
}

export const DES_UNAVAILABLE =
  "SNMPv3 DES privacy needs OpenSSL's legacy provider, which this Node process lacks (run it with --openssl-legacy-provider, or move the device to AES)";

/** Bytes of a Counter64 (8 bytes, or 9 with a leading zero as BER encodes it) as an unsigned integer. */
export function counter64(value: Buffer): bigint {
  let start = 0;
  while (start < value.length - 1 && value[start] === 0) start++;
  if (value.length - start > 8) throw new SnmpError('protocol', 'Counter64 longer than 8 bytes');
  let n = 0n;
  for (let i = start; i < value.length; i++) n = (n << 8n) | BigInt(value[i]);
  return n;
}

function decode(vb: snmp.Varbind): SnmpVarbind {
  const missing =
    vb.type === snmp.ObjectType.NoSuchObject ||
    vb.type === snmp.ObjectType.NoSuchInstance ||
    vb.type === snmp.ObjectType.EndOfMibView;
  if (missing) return { oid: vb.oid, type: vb.type, value: null, missing };
  if (vb.type === snmp.ObjectType.Counter64 && Buffer.isBuffer(vb.value)) {
    return { oid: vb.oid, type: vb.type, value: counter64(vb.value), missing };
  }
  return { oid: vb.oid, type: vb.type, value: vb.value, missing };
}

function describeAttempts(timeoutMs: number, retries: number): string {
  const attempts = retries + 1;
  return `${attempts} attempt${attempts === 1 ? '' : 's'} of ${timeoutMs} ms`;
}

/** Maps whatever net-snmp hands to a callback onto our codes. */
export function classify(
  error: Error,
  credentials: SnmpCredentials,
  timeoutMs: number,
  retries: number,
): SnmpError {
  if (error instanceof SnmpError) return error;
  if (error instanceof snmp.RequestTimedOutError) {
    const hint =
      credentials.version === 'v2c'
        ? 'agent down, unreachable, or the community is wrong (agents drop those silently)'
        : 'agent down, unreachable, or the v3 keys are wrong and the agent drops such requests silently';
    return new SnmpError(
      'timeout',
      `no answer after ${describeAttempts(timeoutMs, retries)} (${hint})`,
    );
  }
  if (error instanceof snmp.ResponseInvalidError) {
    const usm = USM_FAILURES[error.message];
    if (usm) return new SnmpError('auth', USM_EXPLANATIONS[usm], usm);
    if (error.code === snmp.ResponseInvalidCode.EAuthFailure) {
      // Our check of the agent's digest failed: the key we hold does not match the agent's.
      return new SnmpError('auth', USM_EXPLANATIONS.wrong_digest, 'wrong_digest');
    }
    if (error.code === snmp.ResponseInvalidCode.ECouldNotDecrypt) {
      return new SnmpError('auth', USM_EXPLANATIONS.decryption_error, 'decryption_error');
    }
    if (error.code === snmp.ResponseInvalidCode.ENotInTimeWindow) {
      return new SnmpError('auth', USM_EXPLANATIONS.not_in_time_window, 'not_in_time_window');
    }
    if (error.code === snmp.ResponseInvalidCode.ECommunityNoMatch) {
      // net-snmp's message quotes both communities: never let a secret into a reason.
      return new SnmpError('protocol', 'the answer carried a different community');
    }
    return new SnmpError('protocol', error.message);
  }
  if (error instanceof snmp.RequestFailedError) {
    return new SnmpError('agent_error', `agent answered with error-status ${error.message}`);
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ERR_OSSL_EVP_UNSUPPORTED') return new SnmpError('unsupported', DES_UNAVAILABLE);
  if (typeof code === 'string') return new SnmpError('network', `${code}: ${error.message}`);
  return new SnmpError('protocol', error.message);
}

function netSnmpUser(c: Extract<SnmpCredentials, { version: 'v3' }>): snmp.User {
  if (!SNMP_AUTH_PROTOCOLS.includes(c.authProtocol))
    throw new TypeError(`unknown SNMPv3 auth protocol "${c.authProtocol}"`);
  if (!SNMP_PRIV_PROTOCOLS.includes(c.privProtocol))
    throw new TypeError(`unknown SNMPv3 priv protocol "${c.privProtocol}"`);
  return {
    name: c.username,
    level: snmp.SecurityLevel.authPriv,
    authProtocol: snmp.AuthProtocols[c.authProtocol],
    authKey: c.authKey,
    privProtocol: snmp.PrivProtocols[c.privProtocol],
    privKey: c.privKey,
  };
}

/** The family of an IP literal; throws (a settings error, not a target failure) for anything else. */
export function familyOf(host: string): AddressFamily {
  const family = isIP(host);
  if (family !== 4 && family !== 6)
    throw new TypeError(`SNMP host must be an IP literal, got "${host}"`);
  return family;
}

/**
 * A UDP socket whose 'message' listeners cannot throw. net-snmp processes each answer in such a
 * listener, and some well-formed but unexpected answers make it throw there (a v2c response
 * with a Report PDU reads v3 security parameters that are not there): in a socket listener
 * that is an uncaught exception, which would end the whole process. `onCrash` gets the error.
 */
function guardedSocket(type: 'udp4' | 'udp6', onCrash: (error: unknown) => void): Socket {
  const socket = createSocket(type);
  const on = socket.on.bind(socket) as (
    event: string,
    listener: (...args: unknown[]) => void,
  ) => Socket;
  socket.on = ((event: string, listener: (...args: unknown[]) => void) =>
    on(
      event,
      event === 'message'
        ? (...args: unknown[]) => {
            try {
              listener(...args);
            } catch (err) {
              onCrash(err);
            }
          }
        : listener,
    )) as Socket['on'];
  return socket;
}

/**
 * Opens a session (a UDP socket). The caller must `close()` it on every path; `withSession`
 * does. Aborting the signal closes the session and fails pending requests with `aborted`.
 */
export function openSession(
  endpoint: SnmpEndpoint,
  credentials: SnmpCredentials,
  options: SessionOptions = {},
): SnmpSession {
  const family = familyOf(endpoint.host);
  const port = endpoint.port ?? DEFAULTS.port;
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new TypeError(`SNMP port must be 1-65535, got ${port}`);
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const retries = options.retries ?? DEFAULTS.retries;
  const maxRepetitions = options.maxRepetitions ?? DEFAULTS.maxRepetitions;
  if (!(timeoutMs >= 1)) throw new TypeError(`SNMP timeout must be >= 1 ms, got ${timeoutMs}`);
  if (!Number.isInteger(retries) || retries < 0)
    throw new TypeError(`SNMP retries must be a whole number >= 0, got ${retries}`);
  const signal = options.signal;

  let onHandlerCrash: (error: unknown) => void = () => undefined;
  const netOptions: snmp.SessionOptions = {
    port,
    timeout: timeoutMs,
    retries,
    backoff: 1,
    transport: family === 6 ? 'udp6' : 'udp4',
    dgramModule: { createSocket: (type) => guardedSocket(type, (err) => onHandlerCrash(err)) },
  };
  const session =
    credentials.version === 'v2c'
      ? snmp.createSession(endpoint.host, credentials.community, {
          ...netOptions,
          version: snmp.Version2c,
        })
      : snmp.createV3Session(endpoint.host, netSnmpUser(credentials), netOptions);

  let closed = false;
  const pending = new Set<(error: SnmpError) => void>();
  // net-snmp emits 'error' for an undecodable datagram; without a listener that would throw.
  session.on('error', () => undefined);

  const close = () => {
    if (closed) return;
    closed = true;
    signal?.removeEventListener('abort', onAbort);
    session.close();
    const aborted = new SnmpError('aborted', 'aborted by the caller');
    for (const fail of [...pending]) fail(aborted);
  };
  const onAbort = () => close();
  // net-snmp unregistered the request before it threw: fail it, or it would wait forever.
  onHandlerCrash = (err) => {
    const message = err instanceof Error ? err.message : String(err);
    const error = new SnmpError(
      'protocol',
      `the agent's answer could not be processed: ${message}`,
    );
    for (const fail of [...pending]) fail(error);
  };
  if (signal?.aborted) close();
  else signal?.addEventListener('abort', onAbort, { once: true });

  /** Runs one net-snmp operation; settles once, even if net-snmp calls back again after close. */
  const run = <T>(start: (settle: (error: Error | null, value?: T) => void) => void): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (closed) {
        reject(
          new SnmpError('aborted', signal?.aborted ? 'aborted by the caller' : 'session closed'),
        );
        return;
      }
      let settled = false;
      const fail = (error: SnmpError) => {
        if (settled) return;
        settled = true;
        pending.delete(fail);
        reject(error);
      };
      pending.add(fail);
      start((error, value) => {
        if (settled) return;
        if (error) {
          fail(
            closed
              ? new SnmpError('aborted', 'aborted by the caller')
              : classify(error, credentials, timeoutMs, retries),
          );
          return;
        }
        settled = true;
        pending.delete(fail);
        resolve(value as T);
      });
    });

  return {
    family,
    get: (oids) =>
      run<SnmpVarbind[]>((settle) => {
        session.get(oids, (error, varbinds) => {
          if (error) return settle(error);
          let decoded: SnmpVarbind[];
          try {
            decoded = (varbinds ?? []).map(decode);
          } catch (err) {
            return settle(err as Error);
          }
          settle(null, decoded);
        });
      }),
    subtree: (oid) =>
      run<SnmpVarbind[]>((settle) => {
        const collected: SnmpVarbind[] = [];
        let bad: Error | null = null;
        let last = oid;
        session.subtree(
          oid,
          maxRepetitions,
          (varbinds) => {
            try {
              for (const vb of varbinds) {
                // noSuchObject/noSuchInstance do not belong in a GETBULK answer; some agents
                // send them (at the same OID, again and again) for an empty table: the end.
                if (vb.type === snmp.ObjectType.NoSuchObject) return true;
                if (vb.type === snmp.ObjectType.NoSuchInstance) return true;
                // Every OID must follow the one before, or the walk never ends.
                if (compareOids(vb.oid, last) <= 0) {
                  bad = new SnmpError(
                    'protocol',
                    `agent returned ${vb.oid} after ${last}: OIDs not increasing`,
                  );
                  return true;
                }
                if (collected.length >= MAX_SUBTREE_VARBINDS) {
                  bad = new SnmpError(
                    'protocol',
                    `more than ${MAX_SUBTREE_VARBINDS} objects under ${oid}`,
                  );
                  return true;
                }
                last = vb.oid;
                collected.push(decode(vb));
              }
              return false;
            } catch (err) {
              bad = err as Error;
              return true; // stop walking: the answer is unusable
            }
          },
          (error) => settle(error ?? bad, collected),
        );
      }),
    close,
  };
}

/** Opens a session, runs `fn`, and closes the session whatever happens. */
export async function withSession<T>(
  endpoint: SnmpEndpoint,
  credentials: SnmpCredentials,
  options: SessionOptions,
  fn: (session: SnmpSession) => Promise<T>,
): Promise<T> {
  const session = openSession(endpoint, credentials, options);
  try {
    return await fn(session);
  } finally {
    session.close();
  }
}
