/**
 * The probe contract. Every probe kind (DNS/DNSSEC, IPv6 web and mail, HTTP, TCP, TLS, ICMP,
 * SNMP) implements it; the monitoring engine owns scheduling, timeouts, persistence and
 * incidents. This library is framework-free and never imports from `src/`.
 *
 * Probes only probe: they record facts and return them. A failing target is an outcome, never
 * an exception; only a programming error (bad settings that validation should have caught)
 * throws. Compliance rules judge the facts later, as data.
 */

import type { ProbeScope } from './scope';

/** The address family a probe used, or that answered. `null` when nothing answered. */
export type AddressFamily = 4 | 6;

export type ProbeStatus =
  /** The target answered as required. */
  | 'up'
  /** The target answered, but not fully as required (slow, partial, expiring soon). */
  | 'degraded'
  /** The target did not answer, or answered wrongly. */
  | 'down'
  /** The probe could not judge the target (outside probe scope, no IPv6 on the probe host, no privilege). */
  | 'not_tested';

/** One step in an explanation, outermost first: "IPv6 web not reachable" → "TCP 443 to 2001:db8::1 timed out". */
export interface Reason {
  code: string;
  message: string;
}

export interface ProbeContext {
  /** Aborted at the run's deadline; every I/O the probe starts must honour it. */
  signal: AbortSignal;
  /** Injected clock, so signature expiry and latency are testable. */
  now(): Date;
  /**
   * The networks this run may send packets to (see `inScope` in `run.ts`). A probe checks every
   * address before its first packet; outside the scope it returns `not_tested` and sends nothing.
   * Absent: no restriction.
   */
  scope?: ProbeScope;
}

export interface ProbeOutcome<Observations extends object = Record<string, unknown>> {
  status: ProbeStatus;
  /** The family that answered (null when none did). A dual-stack check returns one outcome per family. */
  family: AddressFamily | null;
  /** Raw facts (records seen, latency split, signature expiry, counters), for rules to judge later. */
  observations: Observations;
  reasons: Reason[];
}

export interface Probe<Target, Settings, Observations extends object = Record<string, unknown>> {
  /** Stable name of the probe kind: `dns`, `dnssec`, `http`, `tcp`, `tls`, `icmp`, `snmp`, ... */
  readonly kind: string;
  run(
    target: Target,
    settings: Settings,
    context: ProbeContext,
  ): Promise<ProbeOutcome<Observations>>;
}

/**
 * One order for every probe: known problems outrank unknowns, `down` > `degraded` >
 * `not_tested` > `up`. A target that is slow on one address and untestable on another is
 * degraded, not "not tested".
 */
export const STATUS_RANK: Readonly<Record<ProbeStatus, number>> = {
  up: 0,
  not_tested: 1,
  degraded: 2,
  down: 3,
};

export function worstStatus(statuses: Iterable<ProbeStatus>): ProbeStatus {
  let worst: ProbeStatus = 'up';
  for (const s of statuses) if (STATUS_RANK[s] > STATUS_RANK[worst]) worst = s;
  return worst;
}

/** A fact that lowers an outcome, with its explanation. */
export interface Finding {
  status: ProbeStatus;
  reason: Reason;
}

/**
 * The status and reasons from a probe's findings: the worst status; a summary reason for it
 * first (outermost first), then every finding's reason, worst first, ties in the order found.
 */
export function judgeFindings(
  findings: Finding[],
  summaries: Partial<Record<ProbeStatus, Reason>>,
): { status: ProbeStatus; reasons: Reason[] } {
  const status = worstStatus(findings.map((f) => f.status));
  if (status === 'up') return { status, reasons: [] };
  const ordered = findings
    .map((f, i) => ({ ...f, i }))
    .sort((a, b) => STATUS_RANK[b.status] - STATUS_RANK[a.status] || a.i - b.i);
  const summary = summaries[status];
  return { status, reasons: [...(summary ? [summary] : []), ...ordered.map((f) => f.reason)] };
}
