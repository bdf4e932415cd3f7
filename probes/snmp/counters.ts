/**
 * Pure arithmetic of SNMP counters and uptime: no I/O, so every edge (wrap, restart, clock
 * jitter) is tested directly.
 */

export type CounterBits = 32 | 64;

/** sysUpTime is TimeTicks (hundredths of a second), itself a 32-bit value that wraps after ~497 days. */
export const TIMETICKS_MODULUS = 2 ** 32;

export interface UptimeJudgement {
  rebooted: boolean;
  /** Why, when rebooted. */
  detail?: string;
}

/**
 * Whether the agent restarted between two observations. It did if its uptime went backwards, or
 * is shorter than the time elapsed since the previous observation (it restarted in between).
 * `toleranceSeconds` absorbs the difference between our clock and the agent's ticks; a 32-bit
 * TimeTicks wrap (uptime ≈ previous + elapsed, modulo 2^32 ticks) is not a reboot.
 */
export function judgeUptime(
  previousTicks: number,
  currentTicks: number,
  elapsedSeconds: number,
  toleranceSeconds = Math.max(5, elapsedSeconds * 0.02),
): UptimeJudgement {
  const elapsedTicks = elapsedSeconds * 100;
  const toleranceTicks = toleranceSeconds * 100;
  const expected = previousTicks + elapsedTicks;
  if (
    expected >= TIMETICKS_MODULUS &&
    Math.abs(currentTicks - (expected - TIMETICKS_MODULUS)) <= toleranceTicks
  ) {
    return { rebooted: false };
  }
  if (currentTicks < previousTicks) {
    return {
      rebooted: true,
      detail: `sysUpTime went backwards from ${formatTicks(previousTicks)} to ${formatTicks(currentTicks)}`,
    };
  }
  if (currentTicks + toleranceTicks < elapsedTicks) {
    return {
      rebooted: true,
      detail: `sysUpTime ${formatTicks(currentTicks)} is shorter than the ${Math.round(elapsedSeconds)} s since the previous observation`,
    };
  }
  return { rebooted: false };
}

export function formatTicks(ticks: number): string {
  let s = Math.floor(ticks / 100);
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${d > 0 ? `${d}d ` : ''}${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

export type CounterDelta =
  | { ok: true; octets: bigint; wrapped: boolean }
  | { ok: false; reason: 'counters reset'; detail: string };

/**
 * Octets counted between two readings of one counter. A decrease is one wrap at 2^bits when the
 * traffic that implies is plausible (at most `maxOctets`: the line's capacity over the interval,
 * with headroom); otherwise the counter was reset (agent or interface restart).
 */
export function counterDelta(
  previous: bigint,
  current: bigint,
  bits: CounterBits,
  maxOctets: bigint,
): CounterDelta {
  if (current >= previous) return { ok: true, octets: current - previous, wrapped: false };
  const wrappedOctets = current + (1n << BigInt(bits)) - previous;
  if (wrappedOctets <= maxOctets) return { ok: true, octets: wrappedOctets, wrapped: true };
  return {
    ok: false,
    reason: 'counters reset',
    detail: `counter went from ${previous} to ${current}; one ${bits}-bit wrap would mean ${wrappedOctets} octets, more than the ${maxOctets} the line can carry in the interval`,
  };
}

/** The fastest line we believe in when the interface reports no speed: 400 Gbit/s. */
export const FALLBACK_MAX_BPS = 400e9;

/** Octets a line of `bps` can carry in `seconds`, with 25 % headroom (speeds are nominal). */
export function plausibleOctets(bps: number, seconds: number): bigint {
  return BigInt(Math.ceil(((bps * seconds) / 8) * 1.25));
}

/** bit/s from octets over seconds. */
export function bitsPerSecond(octets: bigint, seconds: number): number {
  return (Number(octets) * 8) / seconds;
}

/** A counter as stored between runs: a decimal string (64-bit values exceed 2^53). */
export function parseCounter(value: string | number | bigint): bigint | null {
  if (typeof value === 'bigint') return value >= 0n ? value : null;
  if (typeof value === 'number')
    return Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : null;
  return /^\d+$/.test(value) ? BigInt(value) : null;
}
