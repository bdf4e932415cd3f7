/**
 * DNSSEC early warning: a zone that validates today but whose earliest signature expires within
 * the configured window is `degraded`, so the state machine (with its thresholds) opens a problem
 * days before resolvers start answering SERVFAIL.
 */

import type { DnssecStatus } from '../../../probes/dns/dnssec/result';
import type { ProbeStatus, Reason } from '../../../probes/probe';

export interface DnssecObservation {
  status: DnssecStatus;
  /** Whole days until the earliest signature on the chain expires (floor); null: no signature seen. */
  daysToExpiry: number | null;
}

export interface Verdict {
  status: ProbeStatus;
  reasons: Reason[];
}

/** Secure, and fewer than `windowDays` whole days left (the validator's own warning rule). */
export function isSignatureExpiring(observation: DnssecObservation, windowDays: number): boolean {
  if (!Number.isFinite(windowDays) || windowDays < 0) {
    throw new RangeError(`windowDays must be a number of days >= 0, got ${String(windowDays)}`);
  }
  return (
    observation.status === 'secure' &&
    observation.daysToExpiry !== null &&
    observation.daysToExpiry < windowDays
  );
}

/**
 * The verdict with the early warning applied: an `up` verdict becomes `degraded` with the reason
 * `signature_expiring` first. Any other verdict is returned as it is (a down check is not made
 * better, a not_tested one is not judged); so is an observation that is not secure or not close
 * to expiry.
 */
export function applyDnssecEarlyWarning(
  verdict: Verdict,
  observation: DnssecObservation,
  windowDays: number,
): Verdict {
  if (!isSignatureExpiring(observation, windowDays) || verdict.status !== 'up') return verdict;
  const days = observation.daysToExpiry;
  return {
    status: 'degraded',
    reasons: [
      {
        code: 'signature_expiring',
        message: `DNSSEC signatures expire in ${String(days)} day${days === 1 ? '' : 's'} (warning window ${windowDays} days)`,
      },
      ...verdict.reasons,
    ],
  };
}
