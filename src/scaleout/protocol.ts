import type { AddressFamily, ProbeStatus, Reason } from '../../probes/probe';
import type { CheckDefinition } from '../monitoring/checks/check.types';
import type { DeviceSnmpColumns } from '../monitoring/runner/snmp-credentials';

/**
 * What travels through Redis, versioned so a scheduler and workers of different releases can
 * tell each other apart. Only JSON: dates are epoch milliseconds.
 */
export const PROTOCOL_VERSION = 1;

/** One check's run at one location: the data of a job on `probe-<location>`. */
export interface ProbeJobData {
  v: typeof PROTOCOL_VERSION;
  check: CheckDefinition & { id: string };
  /** The slot (the check's due time) this run is for: result `at` and idempotency key. */
  slotMs: number;
  location: string;
  /** Every location of this run and the quorum, so a late answer can be combined alone. */
  locations: string[];
  quorum: number;
  /** The previous result's observations (SNMP counters → rates). */
  previous?: unknown;
  /** SNMP checks: the device's credential columns exactly as stored (the secret sealed). */
  snmp?: DeviceSnmpColumns | null;
  enqueuedAt: number;
  /** The scheduler has given up on this answer by then: a worker skips the job. */
  expiresAt: number;
}

/** One location's answer, as a worker sends it back. */
export interface LocationResult {
  checkId: string;
  slotMs: number;
  location: string;
  locations: string[];
  quorum: number;
  /** The worker that ran it (host:pid). */
  worker: string;
  status: ProbeStatus;
  family: AddressFamily | null;
  durationMs: number;
  latencyMs: number | null;
  reasons: Reason[];
  observations: Record<string, unknown>;
  enqueuedAt: number;
  startedAt: number;
}

/** A job on the `results` queue. */
export interface ResultBatch {
  v: typeof PROTOCOL_VERSION;
  worker: string;
  results: LocationResult[];
}
