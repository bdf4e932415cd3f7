import {
  STATUS_RANK,
  worstStatus,
  type AddressFamily,
  type ProbeOutcome,
  type ProbeStatus,
  type Reason,
} from '../probe';

/** One family's verdict: a probe outcome plus the addresses it judged. */
export interface FamilyVerdict<Observations extends object> extends ProbeOutcome<Observations> {
  /** The usable addresses of this family the check found in DNS (tested or not). */
  addresses: string[];
}

/** A fact that lowers a verdict, with its explanation. */
export interface Finding {
  severity: Exclude<ProbeStatus, 'up'>;
  reason: Reason;
}

/** The shared order (probes/probe.ts): a family down somewhere is down even if another address could not be tested. */
export const worst = (statuses: ProbeStatus[]): ProbeStatus => worstStatus(statuses);
const RANK = STATUS_RANK;

/**
 * The verdict from the findings: the worst severity, with a summary reason for it first
 * (outermost first, as `Reason` wants), then every finding's reason, the worst first.
 */
export function verdict<O extends object>(args: {
  findings: Finding[];
  summaries: Partial<Record<ProbeStatus, Reason>>;
  family: AddressFamily | null;
  addresses: string[];
  observations: O;
  /** Set when the status is decided before the findings (the probe host has no IPv6). */
  override?: ProbeStatus;
}): FamilyVerdict<O> {
  const status = args.override ?? worst(args.findings.map((f) => f.severity));
  // The findings that decided the status first, then the rest, worst first.
  const key = (f: Finding) => (f.severity === status ? 10 : 0) + RANK[f.severity];
  const ordered = [...args.findings].sort((a, b) => key(b) - key(a));
  const summary = args.summaries[status];
  return {
    status,
    family: args.family,
    addresses: args.addresses,
    observations: args.observations,
    reasons: [...(summary ? [summary] : []), ...ordered.map((f) => f.reason)],
  };
}

/** NIST's "assigned vs operational" grid: an AAAA is published / IPv6 actually serves. */
export interface AssignedOperational {
  /** null when the question does not apply (a domain that does not accept mail). */
  assigned: boolean | null;
  /** null when IPv6 was not tested (probe host without IPv6, scope) or does not apply. */
  operational: boolean | null;
}

export function grid(assigned: boolean | null, ipv6: ProbeStatus): AssignedOperational {
  if (assigned === null) return { assigned: null, operational: null };
  if (!assigned) return { assigned, operational: false };
  return {
    assigned,
    operational: ipv6 === 'not_tested' ? null : ipv6 === 'up' || ipv6 === 'degraded',
  };
}
