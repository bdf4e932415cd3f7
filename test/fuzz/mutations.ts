import fc from 'fast-check';

/**
 * Byte-level mutations shared by the fuzz suites: flip, truncate, duplicate, insert random bytes,
 * delete a run. Positions are taken modulo the current length, so any generated mutation applies
 * to any input and shrinks well.
 */
export type ByteMutation =
  | { kind: 'set'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'duplicate'; from: number; length: number; to: number }
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

export function mutateBytes(original: Buffer, mutations: readonly ByteMutation[]): Buffer {
  let b = Buffer.from(original);
  for (const m of mutations) {
    const len = Math.max(b.length, 1);
    switch (m.kind) {
      case 'set':
        if (b.length) b[m.at % b.length] = m.value;
        break;
      case 'truncate':
        b = b.subarray(0, m.at % len);
        break;
      case 'duplicate': {
        const from = m.from % len;
        const slice = b.subarray(from, from + m.length);
        const to = m.to % (b.length + 1);
        b = Buffer.concat([b.subarray(0, to), slice, b.subarray(to)]);
        break;
      }
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
