import type { AddressFamily, ProbeStatus, Reason } from '../../probes/probe';
import type { CheckResult } from '../monitoring/results/types';
import { boundReasons } from '../monitoring/runner/check-runner';
import { boundObservations } from '../monitoring/runner/observations';
import { slotRunId } from './identity';

/** One location's part of a run; `missing` when no answer came in time. */
export interface LocationOutcome {
  location: string;
  status: ProbeStatus | 'missing';
  family: AddressFamily | null;
  latencyMs: number | null;
  durationMs: number | null;
  reasons: Reason[];
  observations: Record<string, unknown>;
  worker: string | null;
}

/**
 * The k-of-n rule. Only `down` counts toward the quorum; a missing answer and `not_tested` are
 * no verdict, never a failure.
 * - at least `quorum` locations say down → down;
 * - else any location says down or degraded → degraded (seen failing from somewhere, short of
 *   the quorum: a regional fault, or the start of an outage);
 * - else any location says up → up;
 * - else (no verdict anywhere) → not_tested.
 * With one location and quorum 1 this is that location's status unchanged.
 */
export function combineStatus(
  statuses: readonly LocationOutcome['status'][],
  quorum: number,
): ProbeStatus {
  const down = statuses.filter((s) => s === 'down').length;
  if (down >= quorum) return 'down';
  if (down > 0 || statuses.includes('degraded')) return 'degraded';
  if (statuses.includes('up')) return 'up';
  return 'not_tested';
}

const median = (xs: number[]): number | null => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * One stored result for a check's slot from its locations' outcomes (in the check's location
 * order). `at` is the slot and `runId` derives from check and slot, so any number of
 * combinations of the same slot store one row.
 *
 * - family, observations: those of the "primary" location (the first whose status is the
 *   combined one; for degraded short of the quorum, the first that says down), so SNMP counters
 *   and kind-specific fields stay where the UI expects them, with
 *   `locations` (one entry per location) and `quorum` added;
 * - latencyMs: the median over the locations that measured one;
 * - durationMs: the longest probe run (queue wait excluded);
 * - reasons: the quorum verdict first when more than one location, then each location's
 *   reasons prefixed with its name.
 */
export function combineOutcomes(
  checkId: string,
  slot: Date,
  outcomes: readonly LocationOutcome[],
  quorum: number,
): CheckResult & { status: ProbeStatus } {
  const status = combineStatus(
    outcomes.map((o) => o.status),
    quorum,
  );
  const primary =
    outcomes.find((o) => o.status === status) ??
    outcomes.find((o) => o.status === 'down') ??
    outcomes.find((o) => o.status !== 'missing');
  const downAt = outcomes.filter((o) => o.status === 'down').map((o) => o.location);
  const reasons: Reason[] = [];
  if (outcomes.length > 1)
    reasons.push({
      code: status === 'down' ? 'quorum_down' : 'quorum',
      message: `down at ${downAt.length} of ${outcomes.length} locations${downAt.length ? ` (${downAt.join(', ')})` : ''}; ${quorum} needed for down`,
    });
  for (const o of outcomes) {
    const only = outcomes.length === 1;
    if (o.status === 'missing')
      reasons.push({
        code: 'location_no_result',
        message: `location ${o.location}: no result in time (counted as no verdict)`,
      });
    for (const r of o.reasons)
      reasons.push(only ? r : { code: r.code, message: `[${o.location}] ${r.message}` });
  }
  const durations = outcomes.map((o) => o.durationMs).filter((d): d is number => d !== null);
  return {
    checkId,
    at: slot,
    status,
    family: primary?.family ?? null,
    durationMs: durations.length ? Math.max(...durations) : 0,
    latencyMs: median(outcomes.map((o) => o.latencyMs).filter((l): l is number => l !== null)),
    reasons: boundReasons(reasons),
    observations: boundObservations({
      ...(primary?.observations ?? {}),
      quorum: { needed: quorum, down: downAt.length, of: outcomes.length },
      locations: outcomes.map((o) => ({
        location: o.location,
        status: o.status === 'missing' ? 'unknown' : o.status,
        family: o.family,
        latencyMs: o.latencyMs,
        reasons: o.reasons,
        worker: o.worker,
      })),
    }),
    runId: slotRunId(checkId, slot),
  };
}

/** A location that gave no answer in time. */
export const missingOutcome = (location: string): LocationOutcome => ({
  location,
  status: 'missing',
  family: null,
  latencyMs: null,
  durationMs: null,
  reasons: [],
  observations: {},
  worker: null,
});
