import type { AddressFamily, Reason } from '../../../probes/probe';

/** The statuses a stored result can have: the probe statuses plus two the engine assigns. */
export const RESULT_STATUSES = [
  'up',
  'degraded',
  'down',
  'not_tested',
  'unknown',
  'unreachable',
] as const;

export type ResultStatus = (typeof RESULT_STATUSES)[number];

/** One check result as the monitoring engine hands it to the writer. */
export interface CheckResult {
  checkId: string;
  /** When the check ran (the partition key; stored with millisecond precision). */
  at: Date;
  status: ResultStatus;
  /** The family that answered; null when none did or the check has no family. */
  family?: AddressFamily | null;
  /** Wall time the check took, ms. */
  durationMs: number;
  /** The latency figure the rollups aggregate (e.g. time to first byte, RTT), ms; null when none. */
  latencyMs?: number | null;
  reasons?: readonly Reason[];
  observations?: object | null;
  /**
   * Idempotency key of this one result row: unique together with `at`. A retried batch with
   * the same (runId, at) is inserted, and counted in the rollups, once. Give each verdict its own
   * id (a dual-stack check stores two rows, one per family, with two run ids).
   */
  runId: string;
}

/** A UUID in its text form (any version). */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
