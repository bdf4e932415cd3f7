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
