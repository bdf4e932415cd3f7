import fc from 'fast-check';

/**
 * Byte-level mutations shared by the fuzz suites: flip, truncate, duplicate, insert random bytes,
 * delete a run. Positions are taken modulo the current length, so any generated mutation applies
 * to any input and shrinks well.
 */
/** The mutations every byte fuzzer here uses (the DNS fuzz adds its own kinds to them). */
export type SharedMutation =
  | { kind: 'set'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'duplicate'; from: number; length: number; to: number };

export type ByteMutation =
  | SharedMutation
  | { kind: 'insert'; at: number; bytes: number[] }
  | { kind: 'delete'; at: number; length: number };

export const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  fc.record({
    kind: fc.constant('set' as const),
    at: fc.nat(),
    value: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('duplicate' as const),
    from: fc.nat(),
    length: fc.integer({ min: 1, max: 120 }),
    to: fc.nat(),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 16 }),
  }),
  fc.record({
    kind: fc.constant('delete' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 40 }),
  }),
);

/** Applies one shared mutation; positions are taken modulo the current length. */
export function applyShared(b: Buffer, m: SharedMutation): Buffer {
  const len = Math.max(b.length, 1);
  switch (m.kind) {
    case 'set': {
      const copy = Buffer.from(b);
      if (copy.length) copy[m.at % copy.length] = m.value;
      return copy;
    }
    case 'truncate':
      return b.subarray(0, m.at % len);
    case 'duplicate': {
      const from = m.from % len;
      const slice = b.subarray(from, from + m.length);
      const to = m.to % (b.length + 1);
      return Buffer.concat([b.subarray(0, to), slice, b.subarray(to)]);
    }
  }
}

export function mutateBytes(original: Buffer, mutations: readonly ByteMutation[]): Buffer {
  let b: Buffer = Buffer.from(original);
  for (const m of mutations) {
    const len = Math.max(b.length, 1);
    switch (m.kind) {
      case 'insert': {
        const at = m.at % (b.length + 1);
        b = Buffer.concat([b.subarray(0, at), Buffer.from(m.bytes), b.subarray(at)]);
        break;
      }
      case 'delete': {
        const at = m.at % len;
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.length)]);
        break;
      }
      default:
        b = applyShared(b, m);
    }
  }
  return b;
}

/** Fixed seeds: CI runs the same cases every time; fast-check prints seed and path on failure. */
export const SEEDS = {
  snmp: 0x5e4d9,
  importYaml: 0x1a2b3,
  importCsv: 0x2b3c4,
  importShapes: 0x3c4d5,
  api: 0x4d5e6,
} as const;
