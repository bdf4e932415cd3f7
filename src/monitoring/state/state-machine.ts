/**
 * The per-check state machine of the monitoring engine: pure logic, no I/O and no clock of its
 * own. Time comes only from the results (`result.at`), so tests drive it with a fake clock and a
 * restart replays nothing. The rules are in README.md beside this file.
 */

import type { ProbeStatus, Reason } from '../../../probes/probe';

/**
 * The four probe statuses, plus `unknown` (no result yet, or waiting for fresh results after a
 * parent recovered) and `unreachable` (its own results say down, but a parent is down).
 */
export type CheckState = 'up' | 'degraded' | 'down' | 'not_tested' | 'unknown' | 'unreachable';

export const CHECK_STATES: readonly CheckState[] = [
  'up',
  'degraded',
  'down',
  'not_tested',
  'unknown',
  'unreachable',
];

/** One probe result as the engine hands it over. */
export interface ProbeResult {
  status: ProbeStatus;
  at: Date;
  reasons: readonly Reason[];
}

/** A run of consecutive results of one kind, and the time of its first result. */
export interface Streak {
  count: number;
  since: Date | null;
}

/**
 * `up`: consecutive up results. `notDown`: consecutive up-or-degraded. `bad`: consecutive
 * degraded-or-down. `down`: consecutive down. `notTested`: consecutive not_tested. A
 * not_tested result changes only `notTested`; any other result resets `notTested`.
 */
export const STREAK_NAMES = ['up', 'notDown', 'bad', 'down', 'notTested'] as const;
export type StreakName = (typeof STREAK_NAMES)[number];
export type Counters = Record<StreakName, Streak>;

export interface CheckStateRecord {
  checkId: string;
  state: CheckState;
  counters: Counters;
  /** When the evidence for the current state began (first result of the deciding streak). */
  since: Date | null;
  /** Time of the newest result taken into account; older or equal results are ignored. */
  lastResultAt: Date | null;
  /** When the state last changed (the result that crossed the threshold). */
  lastChangeAt: Date | null;
  /** An alert about a problem of this check has been sent and not yet answered by a recovery. */
  alerted: boolean;
  /** Reasons of the newest result. */
  lastReasons: Reason[];
}

export interface StateSettings {
  /** Consecutive `down` results before a check goes down (default 3). */
  failureThreshold: number;
  /** Consecutive `up` results (or up-or-degraded, from down to degraded) before recovering (default 2). */
  successThreshold: number;
  /** Consecutive degraded-or-down results before an up check goes degraded (default: failureThreshold). */
  degradedThreshold: number;
}

export const DEFAULT_FAILURE_THRESHOLD = 3;
export const DEFAULT_SUCCESS_THRESHOLD = 2;

/** Fills in the defaults and rejects anything but integers from 1 to 100. */
export function resolveSettings(partial: Partial<StateSettings> = {}): StateSettings {
  const failureThreshold = partial.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD;
  const settings: StateSettings = {
    failureThreshold,
    successThreshold: partial.successThreshold ?? DEFAULT_SUCCESS_THRESHOLD,
    degradedThreshold: partial.degradedThreshold ?? failureThreshold,
  };
  for (const [key, value] of Object.entries(settings)) {
    if (!Number.isInteger(value) || value < 1 || value > 100)
      throw new RangeError(`${key} must be an integer from 1 to 100, got ${String(value)}`);
  }
  return settings;
}

export type SuppressedBy = 'maintenance' | 'dependency';

/**
 * A state change. `from === to` only for a deferred alert: a problem state entered while
 * alerts were suppressed (maintenance) that still holds once they no longer are.
 */
export interface TransitionEvent {
  checkId: string;
  from: CheckState;
  to: CheckState;
  at: Date;
  reasons: Reason[];
  /** Whether to notify people. The event itself is always worth recording. */
  alert: boolean;
  suppressedBy?: SuppressedBy;
  /** With `suppressedBy: 'dependency'`: the parent in front and the check down at the top. */
  blockedBy?: { parent: string; root: string };
}

/** Why a check is behind a down parent (see `applyDependencies`). */
export interface Blocker {
  /** The direct parent through which the outage is seen. */
  parent: string;
  /** That parent's state: `down`, `unreachable`, or `unknown`/`not_tested` when looked through. */
  parentState: CheckState;
  /** The check at the top of the chain that is itself down (not behind anything). */
  root: string;
}

/** An active maintenance window as far as the state machine cares. */
export interface WindowRef {
  id: string;
  name: string;
}

export interface StepContext {
  /** Windows active for this check at `result.at` (see `activeWindows`); empty or absent: none. */
  maintenance?: readonly WindowRef[];
  /** A parent is down (see `applyDependencies`); absent or null: none is. */
  blockedBy?: Blocker | null;
}

export interface StepOutcome {
  record: CheckStateRecord;
  event: TransitionEvent | null;
  /** Set when the result was not applied. */
  ignored?: 'out_of_order';
}

function emptyStreak(): Streak {
  return { count: 0, since: null };
}

export function emptyCounters(): Counters {
  return {
    up: emptyStreak(),
    notDown: emptyStreak(),
    bad: emptyStreak(),
    down: emptyStreak(),
    notTested: emptyStreak(),
  };
}

/** The record of a check that has no result yet. */
export function initialRecord(checkId: string): CheckStateRecord {
  return {
    checkId,
    state: 'unknown',
    counters: emptyCounters(),
    since: null,
    lastResultAt: null,
    lastChangeAt: null,
    alerted: false,
    lastReasons: [],
  };
}

function advance(c: Counters, status: ProbeStatus, at: Date): Counters {
  const inc = (s: Streak): Streak => ({ count: s.count + 1, since: s.count === 0 ? at : s.since });
  const zero = emptyStreak();
  switch (status) {
    case 'up':
      return { up: inc(c.up), notDown: inc(c.notDown), bad: zero, down: zero, notTested: zero };
    case 'degraded':
      return { up: zero, notDown: inc(c.notDown), bad: inc(c.bad), down: zero, notTested: zero };
    case 'down':
      return { up: zero, notDown: zero, bad: inc(c.bad), down: inc(c.down), notTested: zero };
    case 'not_tested':
      // Transparent: neither counts toward nor breaks any other streak.
      return { ...c, notTested: inc(c.notTested) };
  }
}

type Basis = 'up' | 'degraded' | 'down' | 'not_tested' | 'unknown';

/** The threshold table: where the counters take a check in state `basis`, or null to stay. */
function judge(
  basis: Basis,
  c: Counters,
  s: StateSettings,
): { state: Basis; streak: StreakName } | null {
  const isDown = c.down.count >= s.failureThreshold;
  const isBad = c.bad.count >= s.degradedThreshold;
  const isUp = c.up.count >= s.successThreshold;
  const isNotDown = c.notDown.count >= s.successThreshold;
  const isNotTested = c.notTested.count >= s.failureThreshold;
  switch (basis) {
    case 'up':
      if (isDown) return { state: 'down', streak: 'down' };
      if (isBad) return { state: 'degraded', streak: 'bad' };
      if (isNotTested) return { state: 'not_tested', streak: 'notTested' };
      return null;
    case 'degraded':
      if (isDown) return { state: 'down', streak: 'down' };
      if (isUp) return { state: 'up', streak: 'up' };
      return null;
    case 'down':
      if (isUp) return { state: 'up', streak: 'up' };
      if (isNotDown) return { state: 'degraded', streak: 'notDown' };
      return null;
    case 'unknown':
    case 'not_tested':
      if (isDown) return { state: 'down', streak: 'down' };
      if (isBad) return { state: 'degraded', streak: 'bad' };
      if (isUp) return { state: 'up', streak: 'up' };
      if (basis === 'unknown' && isNotTested) return { state: 'not_tested', streak: 'notTested' };
      return null;
  }
}

function isOutOfOrder(record: CheckStateRecord, result: ProbeResult): boolean {
  return record.lastResultAt !== null && result.at.getTime() <= record.lastResultAt.getTime();
}

/**
 * What the check's own results say after `result`, ignoring dependencies and maintenance. An
 * `unreachable` check counts as down until its own results say otherwise. Used to resolve
 * dependencies before the real `step` (see `evaluateRound`).
 */
export function judgeOwn(
  record: CheckStateRecord,
  result: ProbeResult,
  settings: StateSettings,
): CheckState {
  const basis: Basis = record.state === 'unreachable' ? 'down' : record.state;
  if (isOutOfOrder(record, result)) return record.state;
  const judged = judge(basis, advance(record.counters, result.status, result.at), settings);
  return judged ? judged.state : basis;
}

function isProblem(state: CheckState): state is 'down' | 'degraded' {
  return state === 'down' || state === 'degraded';
}

function blockerReason(b: Blocker): Reason {
  const message =
    b.root === b.parent
      ? `parent check ${b.parent} is down`
      : `parent check ${b.parent} is ${b.parentState}; check ${b.root} is down`;
  return { code: 'dependency_down', message };
}

function maintenanceReason(windows: readonly WindowRef[]): Reason {
  const names = windows.map((w) => `"${w.name}"`).join(', ');
  return { code: 'maintenance', message: `in maintenance window ${names}` };
}

/** Applies one result to one check. Pure: the inputs are not modified. */
export function step(
  record: CheckStateRecord,
  result: ProbeResult,
  settings: StateSettings,
  context: StepContext = {},
): StepOutcome {
  if (isOutOfOrder(record, result)) return { record, event: null, ignored: 'out_of_order' };
  const blocker = context.blockedBy ?? null;
  const windows = context.maintenance ?? [];
  const inMaintenance = windows.length > 0;

  let basis: Basis;
  let counters = record.counters;
  let parentRecovered = false;
  if (record.state === 'unreachable') {
    if (blocker) {
      basis = 'down';
    } else {
      // No parent is down any more. Failures gathered behind the outage prove nothing about
      // this check, so they are dropped and its own results decide again; successes (it
      // answered) still count.
      basis = 'unknown';
      counters = { ...counters, bad: emptyStreak(), down: emptyStreak() };
      parentRecovered = true;
    }
  } else {
    basis = record.state;
  }
  counters = advance(counters, result.status, result.at);
  const judged = judge(basis, counters, settings);

  let next: CheckState = judged ? judged.state : parentRecovered ? 'unknown' : record.state;
  // A check already down before its parent stays down (its alert is already out); one that
  // would newly go down behind a down parent is unreachable instead.
  if (next === 'down' && blocker && record.state !== 'down') next = 'unreachable';

  const updated: CheckStateRecord = {
    ...record,
    counters,
    lastResultAt: result.at,
    lastReasons: [...result.reasons],
  };

  if (next === record.state) {
    const deferred =
      isProblem(next) &&
      !record.alerted &&
      !inMaintenance &&
      !blocker &&
      (result.status === 'down' || result.status === 'degraded');
    if (!deferred) return { record: updated, event: null };
    return {
      record: { ...updated, alerted: true },
      event: {
        checkId: record.checkId,
        from: next,
        to: next,
        at: result.at,
        reasons: [
          { code: 'alert_deferred', message: `still ${next} after alerts were suppressed` },
          ...result.reasons,
        ],
        alert: true,
      },
    };
  }

  let alert: boolean;
  let alerted: boolean;
  if (isProblem(next)) {
    alert = true;
    alerted = true;
  } else if (next === 'up') {
    alert = record.alerted; // a recovery is announced only when the problem was
    alerted = false;
  } else {
    // unreachable, unknown, not_tested: nothing to announce; an outstanding alert stays open.
    alert = false;
    alerted = record.alerted;
  }

  const prefix: Reason[] = [];
  let suppressedBy: SuppressedBy | undefined;
  if (next === 'unreachable' && blocker) {
    suppressedBy = 'dependency';
    prefix.push(blockerReason(blocker));
  } else if (inMaintenance) {
    suppressedBy = 'maintenance';
    prefix.push(maintenanceReason(windows));
  }
  if (parentRecovered) {
    prefix.push({
      code: 'dependency_recovered',
      message: 'no parent check is down any more; waiting for own results',
    });
  }
  if (suppressedBy) {
    // A problem entered under suppression is not counted as alerted, so it is announced once
    // the suppression ends (deferred alert) if it still holds.
    if (isProblem(next)) alerted = false;
    alert = false;
  }

  const streak = judged?.streak;
  const since = streak ? counters[streak].since : result.at;
  const event: TransitionEvent = {
    checkId: record.checkId,
    from: record.state,
    to: next,
    at: result.at,
    reasons: [...prefix, ...result.reasons],
    alert,
    ...(suppressedBy ? { suppressedBy } : {}),
    ...(suppressedBy === 'dependency' && blocker
      ? { blockedBy: { parent: blocker.parent, root: blocker.root } }
      : {}),
  };
  return {
    record: { ...updated, state: next, since, lastChangeAt: result.at, alerted },
    event,
  };
}
