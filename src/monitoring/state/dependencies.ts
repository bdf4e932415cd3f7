/**
 * Dependency suppression: a check behind a down parent is `unreachable`, not `down`. Pure; the
 * caller supplies the topology as a function from a check to its parent checks.
 */

import type { Blocker, CheckState } from './state-machine';

/** Parent check ids of a check (e.g. the district line in front of a commune's router). */
export type ParentsOf = (checkId: string) => readonly string[];

export interface DependencyResolution {
  /** Checks that are down-ish behind a down-ish parent, with the parent and the root cause. */
  blockedBy: Map<string, Blocker>;
  /**
   * Each dependency cycle once, as its member ids sorted (a self-parent is a cycle of one).
   * Edges inside a cycle are ignored: its members are judged by parents outside it only.
   */
  cycles: string[][];
}

function isDownish(state: CheckState): boolean {
  return state === 'down' || state === 'unreachable';
}

/** `unknown`/`not_tested` (and checks without a state) are looked through to their parents. */
function isTransparent(state: CheckState): boolean {
  return state === 'unknown' || state === 'not_tested';
}

function uniqueSorted(ids: readonly string[]): string[] {
  return [...new Set(ids)].sort();
}

/**
 * Tarjan's strongly connected components, iterative (deep topologies must not overflow the
 * stack). Components come out parents-first: one is emitted only after every component
 * reachable from it.
 */
function components(roots: readonly string[], next: (id: string) => string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let counter = 0;
  const get = (m: Map<string, number>, id: string): number => {
    const v = m.get(id);
    if (v === undefined) throw new Error(`internal: ${id} not visited`);
    return v;
  };
  for (const root of roots) {
    if (index.has(root)) continue;
    const work: { id: string; edges: string[]; i: number }[] = [];
    const open = (id: string): void => {
      index.set(id, counter);
      low.set(id, counter);
      counter += 1;
      stack.push(id);
      onStack.add(id);
      work.push({ id, edges: next(id), i: 0 });
    };
    open(root);
    while (work.length > 0) {
      const top = work[work.length - 1];
      if (top.i < top.edges.length) {
        const m = top.edges[top.i];
        top.i += 1;
        if (!index.has(m)) open(m);
        else if (onStack.has(m)) low.set(top.id, Math.min(get(low, top.id), get(index, m)));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const caller = work[work.length - 1];
        low.set(caller.id, Math.min(get(low, caller.id), get(low, top.id)));
      }
      if (get(low, top.id) === get(index, top.id)) {
        const component: string[] = [];
        let member: string | undefined;
        do {
          member = stack.pop();
          if (member === undefined) throw new Error('internal: Tarjan stack underflow');
          onStack.delete(member);
          component.push(member);
        } while (member !== top.id);
        out.push(component.sort());
      }
    }
  }
  return out;
}

/**
 * Resolves which checks are behind a down parent, through chains of any length (commune behind
 * district line behind provincial core). A check is blocked when its own state is `down` or
 * `unreachable` and one of its parents is down-ish, or is `unknown`/`not_tested`/absent and
 * itself has such a parent. `up` and `degraded` parents answer, so they end a chain. The
 * blocking parent is the first in id order, so the result is deterministic.
 */
export function applyDependencies(
  states: ReadonlyMap<string, CheckState>,
  parentsOf: ParentsOf,
): DependencyResolution {
  const parents = new Map<string, string[]>();
  const parentsOfCached = (id: string): string[] => {
    let p = parents.get(id);
    if (!p) {
      p = uniqueSorted(parentsOf(id));
      parents.set(id, p);
    }
    return p;
  };
  const stateOf = (id: string): CheckState => states.get(id) ?? 'unknown';

  const sccs = components([...states.keys()].sort(), parentsOfCached);
  const componentOf = new Map<string, number>();
  const blockedBy = new Map<string, Blocker>();
  /** For a down-ish check, or a transparent one leading to one: the root cause's id. */
  const rootOf = new Map<string, string>();
  const cycles: string[][] = [];

  sccs.forEach((members, k) => {
    for (const id of members) componentOf.set(id, k);
    if (members.length > 1 || parentsOfCached(members[0]).includes(members[0])) {
      cycles.push(members);
    }
    for (const id of members) {
      const outside = parentsOfCached(id).filter((p) => componentOf.get(p) !== k);
      const via = outside.find((p) => rootOf.has(p));
      const state = stateOf(id);
      if (isDownish(state)) {
        if (via !== undefined) {
          const root = rootOf.get(via) ?? via;
          blockedBy.set(id, {
            parent: via,
            parentState: blockedBy.has(via) ? 'unreachable' : stateOf(via),
            root,
          });
          rootOf.set(id, root);
        } else {
          rootOf.set(id, id);
        }
      } else if (isTransparent(state) && via !== undefined) {
        rootOf.set(id, rootOf.get(via) ?? via);
      }
    }
  });
  return { blockedBy, cycles };
}
