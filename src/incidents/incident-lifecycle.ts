import { ValidationError } from '../common/errors';

/** Rules and meanings: README.md beside this file. */
export const INCIDENT_STATUSES = [
  'open',
  'acknowledged',
  'investigating',
  'mitigated',
  'resolved',
  'closed',
] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const INCIDENT_CATEGORIES = [
  'outage',
  'degraded_service',
  'dnssec_failure',
  'ipv6_regression',
  'security_event',
  'other',
] as const;
export type IncidentCategory = (typeof INCIDENT_CATEGORIES)[number];

export const INCIDENT_SEVERITIES = [1, 2, 3, 4] as const;
export type IncidentSeverity = (typeof INCIDENT_SEVERITIES)[number];

export const LINK_OBJECT_TYPES = ['service', 'device', 'circuit', 'unit', 'check', 'site'] as const;
export type LinkObjectType = (typeof LINK_OBJECT_TYPES)[number];

export const TIMELINE_KINDS = [
  'status_change',
  'probe_event',
  'note',
  'notification',
  'link',
  'edit',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

/** Statuses in which the incident still needs work (not resolved, not closed). */
export const ACTIVE_STATUSES: readonly IncidentStatus[] = [
  'open',
  'acknowledged',
  'investigating',
  'mitigated',
];

export function isActive(status: IncidentStatus): boolean {
  return ACTIVE_STATUSES.includes(status);
}

/** The transition table: from each status, the statuses it may move to. */
export const TRANSITIONS: Readonly<Record<IncidentStatus, readonly IncidentStatus[]>> = {
  open: ['acknowledged', 'investigating', 'mitigated', 'resolved'],
  acknowledged: ['investigating', 'mitigated', 'resolved'],
  investigating: ['mitigated', 'resolved'],
  mitigated: ['investigating', 'resolved'],
  resolved: ['closed', 'open'],
  closed: [],
};

export function canTransition(from: IncidentStatus, to: IncidentStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Throws a ValidationError naming `status` when `from → to` is not in the table. */
export function assertTransition(from: IncidentStatus, to: IncidentStatus): void {
  if (canTransition(from, to)) return;
  const allowed = TRANSITIONS[from];
  const message =
    from === to
      ? `status is already ${to}`
      : `status cannot change from ${from} to ${to}` +
        (allowed.length ? ` (allowed: ${allowed.join(', ')})` : ` (${from} is final)`);
  throw new ValidationError('illegal status change', [{ field: 'status', message }]);
}

const TAKEN: readonly IncidentStatus[] = ['acknowledged', 'investigating', 'mitigated'];

/** Timestamp columns a change to `to` sets (a re-open clears resolution). */
export interface TimestampChanges {
  acknowledged_at?: Date | null;
  resolved_at?: Date | null;
  closed_at?: Date | null;
}

/**
 * The timestamp columns to write when moving to `to` at `at`. `acknowledged_at` is the first
 * time a person took the incident: acknowledged, or straight to investigating or mitigated
 * (resolving alone does not count, so an auto-resolved incident has no acknowledgement and
 * stays out of MTTA). A re-open clears `resolved_at` and `closed_at`.
 */
export function timestampsFor(
  to: IncidentStatus,
  at: Date,
  current: { acknowledged_at: Date | null },
): TimestampChanges {
  const changes: TimestampChanges = {};
  if (to === 'open') {
    changes.resolved_at = null;
    changes.closed_at = null;
    return changes;
  }
  if (current.acknowledged_at === null && TAKEN.includes(to)) changes.acknowledged_at = at;
  if (to === 'resolved') changes.resolved_at = at;
  if (to === 'closed') changes.closed_at = at;
  return changes;
}
