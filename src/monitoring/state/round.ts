/**
 * One round of results for many checks: dependencies resolved on what the checks' own results
 * say now, then every result applied with its maintenance windows and blocker. Pure.
 */

import { applyDependencies, type ParentsOf } from './dependencies';
import {
  initialRecord,
  judgeOwn,
  step,
  type CheckState,
  type CheckStateRecord,
  type ProbeResult,
  type StateSettings,
  type TransitionEvent,
  type WindowRef,
} from './state-machine';

export interface RoundInput {
  /** Current records of every check the topology may mention (missing checks start `unknown`). */
  records: ReadonlyMap<string, CheckStateRecord>;
  /** This round's results, at most one per check. */
  results: ReadonlyMap<string, ProbeResult>;
  settings: StateSettings | ((checkId: string) => StateSettings);
  parentsOf: ParentsOf;
  /** Active maintenance windows of a check at an instant (see `activeWindows`). */
  maintenanceOf?: (checkId: string, at: Date) => readonly WindowRef[];
}

export interface RoundOutput {
  /** The records that received a result (changed or not); persist them. */
  records: Map<string, CheckStateRecord>;
  /**
   * Transition events: first those of checks not behind a down parent, then those behind one
   * (so a parent's incident exists before its children are listed on it), each in check id order.
   */
  events: TransitionEvent[];
  cycles: string[][];
  /** Check ids whose result was older than their newest one and was ignored. */
  ignored: string[];
}

export function evaluateRound(input: RoundInput): RoundOutput {
  const settingsOf =
    typeof input.settings === 'function' ? input.settings : () => input.settings as StateSettings;
  const previous = (id: string): CheckStateRecord => input.records.get(id) ?? initialRecord(id);

  // Simultaneous failures along a chain must resolve in one round: judge every result first.
  const own = new Map<string, CheckState>();
  for (const [id, record] of input.records) own.set(id, record.state);
  for (const [id, result] of input.results) {
    own.set(id, judgeOwn(previous(id), result, settingsOf(id)));
  }
  const { blockedBy, cycles } = applyDependencies(own, input.parentsOf);

  const records = new Map<string, CheckStateRecord>();
  const events: TransitionEvent[] = [];
  const ignored: string[] = [];
  for (const id of [...input.results.keys()].sort()) {
    const result = input.results.get(id);
    if (!result) continue;
    const outcome = step(previous(id), result, settingsOf(id), {
      maintenance: input.maintenanceOf?.(id, result.at) ?? [],
      blockedBy: blockedBy.get(id) ?? null,
    });
    if (outcome.ignored) {
      ignored.push(id);
      continue;
    }
    records.set(id, outcome.record);
    if (outcome.event) events.push(outcome.event);
  }
  const ordered = [...events.filter((e) => !e.blockedBy), ...events.filter((e) => e.blockedBy)];
  return { records, events: ordered, cycles, ignored };
}
