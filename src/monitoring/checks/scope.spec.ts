import { CheckDefinition } from './check.types';
import {
  checkTargetsInScope,
  DEFAULT_PROBE_SCOPE,
  parseScopeSpec,
  resolveProbeScope,
  scopeAllowList,
} from './scope';

describe('the default scope', () => {
  const { scope, source, spec } = resolveProbeScope({ env: {} });

  it('is used when neither the environment nor the config sets one', () => {
    expect(source).toBe('default');
    expect(spec).toBe(DEFAULT_PROBE_SCOPE);
  });

  it.each([
    '169.254.169.254',
    '169.254.0.1',
    '169.254.255.255',
    'fe80::1',
    'febf:ffff::1',
    'fd00:ec2::254',
    '::ffff:169.254.169.254',
  ])('excludes link-local and cloud metadata: %s', (address) => {
    expect(scope.allows(address)).toBe(false);
  });

  it.each([
    '198.51.100.1',
    '2001:db8::1',
    '169.253.255.255',
    '169.255.0.0',
    '0.0.0.0',
    '255.255.255.255',
    'fec0::1',
    'fd00:ec2::253',
    'fd00:ec2::255',
    '127.0.0.1',
    '::1',
  ])('allows everything else: %s', (address) => {
    expect(scope.allows(address)).toBe(true);
  });
});

describe('NETWATCH_PROBE_SCOPE and the configured value', () => {
  it('NETWATCH_PROBE_SCOPE=127.0.0.0/8,::1/128 allows only loopback', () => {
    const { scope, source, allow } = resolveProbeScope({
      env: { NETWATCH_PROBE_SCOPE: '127.0.0.0/8,::1/128' },
      configured: '0.0.0.0/0',
    });
    expect(source).toBe('environment NETWATCH_PROBE_SCOPE');
    expect(allow).toEqual(['127.0.0.0/8', '::1/128']);
    for (const a of ['127.0.0.1', '127.255.255.254', '::1']) expect(scope.allows(a)).toBe(true);
    for (const a of ['198.51.100.1', '2001:db8::1', '128.0.0.1', '::2', '169.254.169.254'])
      expect(scope.allows(a)).toBe(false);
  });

  it('the configured value applies when the environment variable is unset or empty', () => {
    const r = resolveProbeScope({
      env: { NETWATCH_PROBE_SCOPE: ' ' },
      configured: '198.51.100.0/24',
      configSource: 'in /etc/netwatch.yaml',
    });
    expect(r.source).toBe('in /etc/netwatch.yaml');
    expect(r.scope.allows('198.51.100.7')).toBe(true);
    expect(r.scope.allows('203.0.113.7')).toBe(false);
  });

  it('a bad entry names the setting', () => {
    expect(() => resolveProbeScope({ env: { NETWATCH_PROBE_SCOPE: '10.0.0.0/8,nope' } })).toThrow(
      'monitoring.probeScope (environment NETWATCH_PROBE_SCOPE): "nope" is not a network in CIDR form',
    );
    expect(() => resolveProbeScope({ env: {}, configured: '!10.0.0.0/33' })).toThrow(
      /^monitoring\.probeScope \(config\/default\.yaml\): "10\.0\.0\.0\/33" is not a network/,
    );
  });
});

describe('exclusions ("!")', () => {
  it('subtract from the allowed networks, as the fewest CIDRs', () => {
    expect(scopeAllowList('10.0.0.0/8,!10.0.0.0/9', 't')).toEqual(['10.128.0.0/9']);
    expect(scopeAllowList('192.0.2.0/24,!192.0.2.128/26', 't')).toEqual([
      '192.0.2.0/25',
      '192.0.2.192/26',
    ]);
    // Overlapping allows merge; an exclusion outside them changes nothing.
    expect(scopeAllowList('10.0.0.0/9,10.0.0.0/8,!192.0.2.0/24', 't')).toEqual(['10.0.0.0/8']);
  });

  it('alone, exclude from everything', () => {
    const scope = parseScopeSpec('!203.0.113.0/24,!2001:db8:bad::/48');
    expect(scope.allows('203.0.113.9')).toBe(false);
    expect(scope.allows('203.0.114.9')).toBe(true);
    expect(scope.allows('2001:db8:bad::1')).toBe(false);
    expect(scope.allows('2001:db8:bad0::1')).toBe(true);
  });

  it('can exclude everything: then nothing is allowed', () => {
    const scope = parseScopeSpec('!0.0.0.0/0,!::/0');
    expect(scope.allows('198.51.100.1')).toBe(false);
    expect(scope.allows('::1')).toBe(false);
  });
});

describe('checkTargetsInScope', () => {
  const scope = resolveProbeScope({ env: {} }).scope;
  const loopback = parseScopeSpec('127.0.0.0/8,::1/128');
  const check = (
    target: CheckDefinition['target'],
    settings: CheckDefinition['settings'] = {},
  ): Pick<CheckDefinition, 'target' | 'settings'> => ({ target, settings });

  it('a device check to a metadata address is not tested, with the reason', () => {
    const verdict = checkTargetsInScope(
      check({ deviceId: 'd', address: '169.254.169.254' }),
      scope,
    );
    expect(verdict).toEqual({
      inScope: false,
      outside: [{ address: '169.254.169.254', role: 'target' }],
      outcome: {
        status: 'not_tested',
        family: null,
        observations: {},
        reasons: [
          { code: 'outside_scope', message: 'outside probe scope: 169.254.169.254 (target)' },
        ],
      },
    });
    expect(checkTargetsInScope(check({ deviceId: 'd', address: '198.51.100.1' }), scope)).toEqual({
      inScope: true,
    });
  });

  it('a check that resolves a name is judged by its resolver', () => {
    const web = check({ url: 'https://www.example.gov.vn/', host: 'www.example.gov.vn' });
    expect(checkTargetsInScope(web, loopback, '127.0.0.53').inScope).toBe(true);
    const outside = checkTargetsInScope(web, loopback, '[2001:db8::53]:53');
    expect(outside).toMatchObject({
      inScope: false,
      outside: [{ address: '[2001:db8::53]:53', role: 'resolver' }],
    });
    expect(
      checkTargetsInScope(check({ zone: 'example.gov.vn' }), loopback, '192.0.2.53:53'),
    ).toMatchObject({ inScope: false });
    // Without a known resolver only literal addresses are judged.
    expect(checkTargetsInScope(web, loopback).inScope).toBe(true);
  });

  it('IP-literal hosts and URLs are targets; a resolver is then not needed', () => {
    expect(
      checkTargetsInScope(check({ url: 'http://[fe80::1]/', host: 'fe80::1' }), scope, '127.0.0.1'),
    ).toMatchObject({ inScope: false, outside: [{ address: 'fe80::1', role: 'target' }] });
    expect(
      checkTargetsInScope(check({ host: '127.0.0.1' }), loopback, '198.51.100.53').inScope,
    ).toBe(true);
  });

  it('a DNS answer check with its own server is judged by that server, not the resolver', () => {
    const dns = check({ name: 'www.example.gov.vn', type: 'A' }, { server: '198.51.100.53' });
    expect(checkTargetsInScope(dns, loopback, '127.0.0.53')).toMatchObject({
      inScope: false,
      outside: [{ address: '198.51.100.53', role: 'server' }],
    });
    expect(checkTargetsInScope(dns, scope, '127.0.0.53').inScope).toBe(true);
  });
});
