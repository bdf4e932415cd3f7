import { boundObservations, jsonSafe, numberAt } from './observations';

describe('boundObservations', () => {
  it('makes probe output JSON-safe: bytes become a length, bigints text, dates ISO', () => {
    const out = boundObservations({
      body: Buffer.alloc(5000),
      counter: 18446744073709551615n,
      at: new Date('2025-01-01T00:00:00Z'),
      nan: Number.NaN,
      skip: undefined,
      fn: () => 1,
      nested: { list: [1, 'a', null] },
    });
    expect(out).toEqual({
      body: { bytes: 5000 },
      counter: '18446744073709551615',
      at: '2025-01-01T00:00:00.000Z',
      nan: null,
      nested: { list: [1, 'a', null] },
    });
    expect(JSON.parse(JSON.stringify(out))).toEqual(out);
  });

  it('cuts long strings and lists, saying how much was left out', () => {
    const out = jsonSafe(
      { text: 'x'.repeat(3000), items: Array.from({ length: 150 }, (_, i) => i) },
      { maxString: 2048, maxArray: 100, maxDepth: 12 },
    ) as { text: string; items: unknown[] };
    expect(out.text).toHaveLength(2048 + '… (3000 characters)'.length);
    expect(out.items).toHaveLength(101);
    expect(out.items[100]).toBe('(50 more left out)');
  });

  it('stays within the size budget, cutting harder, then replacing the whole', () => {
    const big = { rows: Array.from({ length: 100 }, () => 'y'.repeat(2000)) };
    const cut = boundObservations(big, 20_000);
    expect(JSON.stringify(cut).length).toBeLessThanOrEqual(20_000);
    expect((cut.rows as unknown[]).length).toBe(21);
    expect(boundObservations(big, 100)).toEqual({
      truncated: true,
      reason: expect.stringMatching(/^observations too large/),
    });
  });

  // Found by test/fuzz/snmp-responses.spec.ts: an SNMP agent's sysDescr with a NUL byte made the
  // result writer refuse every result of the check (jsonb cannot store U+0000).
  it('replaces U+0000 in strings and keys, which jsonb cannot store', () => {
    const out = boundObservations({ sysDescr: 'Cisco\u0000IOS', ['a\u0000b']: ['x\u0000'] });
    expect(out).toEqual({ sysDescr: 'Cisco\ufffdIOS', ['a\ufffdb']: ['x\ufffd'] });
    expect(JSON.stringify(out)).not.toContain('\\u0000');
  });

  it('numberAt reads finite numbers only', () => {
    expect(numberAt({ a: { b: 2.5 } }, 'a', 'b')).toBe(2.5);
    expect(numberAt({ a: { b: '2' } }, 'a', 'b')).toBeNull();
    expect(numberAt({ a: null }, 'a', 'b')).toBeNull();
    expect(numberAt({}, 'x')).toBeNull();
  });
});
