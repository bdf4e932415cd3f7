import { ProbeScope } from './scope';

describe('ProbeScope', () => {
  const scope = ProbeScope.parse('127.0.0.0/8,::1/128');

  it('allows addresses inside its networks only, IPv4-mapped IPv6 judged as IPv4', () => {
    expect(scope.allows('127.0.0.5')).toBe(true);
    expect(scope.allows('::1')).toBe(true);
    expect(scope.allows('::ffff:127.0.0.1')).toBe(true);
    expect(scope.allows('198.51.100.1')).toBe(false);
    expect(scope.allows('not-an-address')).toBe(false);
  });

  it('refuses a denied port on its networks, and only that port', () => {
    const guarded = scope.withDenied([
      { cidr: '127.0.0.0/8', port: 5432 },
      { cidr: '::1/128', port: 5432 },
    ]);
    expect(guarded.allows('127.0.0.1', 5432)).toBe(false);
    expect(guarded.allows('127.9.9.9', 5432)).toBe(false);
    expect(guarded.allows('::1', 5432)).toBe(false);
    expect(guarded.allows('::ffff:127.0.0.1', 5432)).toBe(false);
    expect(guarded.allows('127.0.0.1', 5433)).toBe(true);
    expect(guarded.allows('127.0.0.1')).toBe(true);
    // The original scope is unchanged.
    expect(scope.allows('127.0.0.1', 5432)).toBe(true);
  });

  it('names a bad denied network', () => {
    expect(() => scope.withDenied([{ cidr: 'db.internal', port: 5432 }])).toThrow(
      'probe scope: "db.internal" is not a network in CIDR form',
    );
  });
});
