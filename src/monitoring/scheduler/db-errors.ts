import { sqlState } from '../results/db';

/** Socket-level codes that mean "the database cannot be reached now". */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** Messages of node-postgres (and TypeORM around it) for a connection that is gone. */
const GONE = [
  /connection terminated/i,
  /not queryable/i,
  /timeout exceeded when trying to connect/i,
  /no answer within/i,
  /connection is closed/i,
];

function codes(err: unknown): string[] {
  const out: string[] = [];
  const visit = (e: unknown, depth: number): void => {
    if (!e || typeof e !== 'object' || depth > 3) return;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') out.push(code);
    // TypeORM's QueryFailedError keeps pg's error here; Node's AggregateError its attempts.
    visit((e as { driverError?: unknown }).driverError, depth + 1);
    for (const inner of (e as { errors?: unknown[] }).errors ?? []) visit(inner, depth + 1);
  };
  visit(err, 0);
  return out;
}

/**
 * True when `err` says the database is unreachable or went away (as opposed to a bad statement):
 * socket errors, SQLSTATE class 08 (connection exception), 57P01–57P03 (shut down, crashed,
 * cannot connect now), 53300 (too many connections), and node-postgres' lost-connection errors.
 */
export function isConnectionError(err: unknown): boolean {
  for (const code of codes(err)) {
    if (UNREACHABLE.has(code) || code.startsWith('08')) return true;
    if (['57P01', '57P02', '57P03', '53300'].includes(code)) return true;
  }
  const state = sqlState(err);
  if (state && state.length === 5 && !state.startsWith('08') && !state.startsWith('57'))
    return false;
  const message = err instanceof Error ? err.message : String(err);
  return GONE.some((re) => re.test(message));
}

/**
 * True when `err`, from a connection attempt, shows the database server itself is down: its
 * host answers but nothing accepts (refused, reset, closed during the handshake) or the server
 * says it is starting up or shutting down (57P03, 57P01). A timeout or an unreachable host is no
 * proof: it may be a cut between this node and a server the other nodes still reach.
 */
export function isServerDown(err: unknown): boolean {
  if (
    codes(err).some((c) => ['ECONNREFUSED', 'ECONNRESET', 'ENOENT', '57P01', '57P03'].includes(c))
  )
    return true;
  const message = err instanceof Error ? err.message : String(err);
  return /connection terminated unexpectedly/i.test(message);
}

/** Rejects with a connection-type error when `work` has not settled within `ms`. */
export function bounded<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
