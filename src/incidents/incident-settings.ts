import type { IncidentSeverity } from './incident-lifecycle';

/** Settings of the incident core (defaults below; README.md beside this file). */
export interface IncidentSettings {
  /** Days from opening to the report deadline (Decision 05/2017/QĐ-TTg); default 5. */
  reportDueDays: number;
  /** A failure this soon after a probe incident's resolution re-opens it; default 30. */
  reopenWindowMinutes: number;
  /** Probe incidents of these severities resolve themselves on recovery; default 3 and 4. */
  autoResolveSeverities: readonly IncidentSeverity[];
  /** Check kinds for which `degraded` (not only `down`) opens an incident. */
  degradedKinds: readonly string[];
  /** The clock (tests inject one). */
  now: () => Date;
}

export const DEFAULT_INCIDENT_SETTINGS: IncidentSettings = {
  reportDueDays: 5,
  reopenWindowMinutes: 30,
  autoResolveSeverities: [3, 4],
  degradedKinds: ['dnssec', 'ipv6-web', 'ipv6-mail', 'ns-ipv6'],
  now: () => new Date(),
};

export const INCIDENT_SETTINGS = Symbol('INCIDENT_SETTINGS');

export function resolveIncidentSettings(partial: Partial<IncidentSettings> = {}): IncidentSettings {
  const s = { ...DEFAULT_INCIDENT_SETTINGS, ...partial };
  if (!Number.isInteger(s.reportDueDays) || s.reportDueDays < 1 || s.reportDueDays > 365)
    throw new RangeError(`reportDueDays must be an integer from 1 to 365, got ${s.reportDueDays}`);
  if (
    !Number.isInteger(s.reopenWindowMinutes) ||
    s.reopenWindowMinutes < 0 ||
    s.reopenWindowMinutes > 10080
  )
    throw new RangeError(
      `reopenWindowMinutes must be an integer from 0 to 10080, got ${s.reopenWindowMinutes}`,
    );
  return s;
}
