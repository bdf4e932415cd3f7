import { createHash } from 'node:crypto';

/**
 * Names and keys of the scale-out protocol, in one place so the scheduler and the workers
 * (possibly different versions on different machines) agree on them.
 */

/** A location (vantage point) name: it becomes part of a queue name and of job ids. */
export const LOCATION_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export function isLocation(name: unknown): name is string {
  return typeof name === 'string' && LOCATION_PATTERN.test(name);
}

/** The queue a location's workers consume. */
export const probeQueueName = (location: string): string => `probe-${location}`;

/** The one queue every worker sends its result batches to. */
export const RESULTS_QUEUE = 'results';

/**
 * The BullMQ job id of one check's run at one location: a second dispatch of the same slot
 * (retry, re-dispatch) is refused by BullMQ while the first job is kept. BullMQ refuses `:` in
 * custom ids (it accepts exactly two only for legacy repeatable jobs), hence `_`.
 */
export function probeJobId(checkId: string, slot: Date, location: string): string {
  return `${checkId}_${slot.getTime()}_${location}`;
}

/**
 * The run id of a check's result for one slot: a UUID (version 8, RFC 9562) from the SHA-256
 * of `checkId:slotMs`. Every dispatch, retry or late answer of that slot derives the same id,
 * so the result writer, which skips a (runId, at) it has stored, stores the slot once.
 */
export function slotRunId(checkId: string, slot: Date): string {
  const h = createHash('sha256').update(`${checkId}:${slot.getTime()}`).digest();
  h[6] = (h[6] & 0x0f) | 0x80; // version 8: custom
  h[8] = (h[8] & 0x3f) | 0x80; // variant 10
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** The pending-map key of one run: check and slot (a check is never in flight twice). */
export const runKey = (checkId: string, slotMs: number): string => `${checkId}_${slotMs}`;
