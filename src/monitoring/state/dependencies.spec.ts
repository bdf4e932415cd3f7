import { applyDependencies, type ParentsOf } from './dependencies';
import type { CheckState } from './state-machine';

const topology =
  (edges: Record<string, string[]>): ParentsOf =>
  (id) =>
    edges[id] ?? [];

const states = (entries: Record<string, CheckState>): Map<string, CheckState> =>
  new Map(Object.entries(entries));

// commune -> district line -> provincial core
const CHAIN = topology({ commune: ['district'], district: ['core'] });

describe('applyDependencies', () => {
  it('resolves a chain: everything behind a down core is blocked, with the core as root', () => {
    const r = applyDependencies(states({ core: 'down', district: 'down', commune: 'down' }), CHAIN);
    expect(r.blockedBy.get('core')).toBeUndefined();
    expect(r.blockedBy.get('district')).toEqual({
      parent: 'core',
      parentState: 'down',
      root: 'core',
    });
    expect(r.blockedBy.get('commune')).toEqual({
      parent: 'district',
      parentState: 'unreachable',
      root: 'core',
    });
    expect(r.cycles).toEqual([]);
  });

  it('an answering parent ends the chain', () => {
    const r = applyDependencies(states({ core: 'down', district: 'up', commune: 'down' }), CHAIN);
    expect([...r.blockedBy.keys()]).toEqual([]);
    const degraded = applyDependencies(
      states({ core: 'down', district: 'degraded', commune: 'down' }),
      CHAIN,
    );
    expect(degraded.blockedBy.size).toBe(0);
  });

  it('only down-ish checks are blocked', () => {
    const r = applyDependencies(
      states({ core: 'down', district: 'up', commune: 'degraded' }),
      topology({ commune: ['core'], district: ['core'] }),
    );
    expect(r.blockedBy.size).toBe(0);
  });

  it('looks through unknown, not_tested and unmonitored parents', () => {
    for (const middle of ['unknown', 'not_tested'] as const) {
      const r = applyDependencies(
        states({ core: 'down', district: middle, commune: 'down' }),
        CHAIN,
      );
      expect(r.blockedBy.get('commune')).toEqual({
        parent: 'district',
        parentState: middle,
        root: 'core',
      });
    }
    const absent = applyDependencies(states({ core: 'down', commune: 'down' }), CHAIN);
    expect(absent.blockedBy.get('commune')?.root).toBe('core');
  });

  it('a down district with an up core is the root for its communes', () => {
    const r = applyDependencies(states({ core: 'up', district: 'down', commune: 'down' }), CHAIN);
    expect(r.blockedBy.get('district')).toBeUndefined();
    expect(r.blockedBy.get('commune')).toEqual({
      parent: 'district',
      parentState: 'down',
      root: 'district',
    });
  });

  it('with two parents, one down parent is enough; the first in id order is named', () => {
    const r = applyDependencies(
      states({ a: 'down', b: 'down', c: 'up', child: 'down' }),
      topology({ child: ['c', 'b', 'a'] }),
    );
    expect(r.blockedBy.get('child')?.parent).toBe('a');
  });

  it('detects and reports cycles, judging members by outside parents only', () => {
    const r = applyDependencies(
      states({ a: 'down', b: 'down', c: 'down', core: 'up', leaf: 'down' }),
      topology({ a: ['b', 'core'], b: ['c'], c: ['a'], leaf: ['a'] }),
    );
    expect(r.cycles).toEqual([['a', 'b', 'c']]);
    // Inside the cycle nothing blocks anything (the edges are ignored); the leaf behind it is blocked.
    expect(r.blockedBy.has('a')).toBe(false);
    expect(r.blockedBy.has('b')).toBe(false);
    expect(r.blockedBy.has('c')).toBe(false);
    expect(r.blockedBy.get('leaf')).toEqual({ parent: 'a', parentState: 'down', root: 'a' });
  });

  it('a cycle member is still blocked by a down parent outside the cycle', () => {
    const r = applyDependencies(
      states({ a: 'down', b: 'down', core: 'down' }),
      topology({ a: ['b', 'core'], b: ['a'] }),
    );
    expect(r.cycles).toEqual([['a', 'b']]);
    expect(r.blockedBy.get('a')?.root).toBe('core');
    expect(r.blockedBy.has('b')).toBe(false);
  });

  it('reports a check that is its own parent', () => {
    const r = applyDependencies(states({ a: 'down' }), topology({ a: ['a'] }));
    expect(r.cycles).toEqual([['a']]);
    expect(r.blockedBy.size).toBe(0);
  });

  it('handles a very long chain without recursion', () => {
    const n = 50_000;
    const s = new Map<string, CheckState>();
    for (let i = 0; i < n; i += 1) s.set(`c${i}`, 'down');
    const r = applyDependencies(s, (id) => {
      const i = Number(id.slice(1));
      return i > 0 ? [`c${i - 1}`] : [];
    });
    expect(r.blockedBy.size).toBe(n - 1);
    expect(r.blockedBy.get(`c${n - 1}`)?.root).toBe('c0');
  });
});
