import { judgeDnssec } from './dnssec';
import { judgeNameServers } from './ns-ipv6';
import type { NameServerReport } from '../../../../probes/dns/nameservers';

const base = { name: 'gov.test.', type: 'SOA', reasons: ['gov.test. SOA is x'] };
const opts = { dnssecRequired: false, expiryWarningDays: 7 };

describe('judgeDnssec', () => {
  it.each([
    ['secure', 30, opts, 'up', []],
    ['secure', 6, opts, 'degraded', ['signature_expiring']],
    ['secure', 7, opts, 'up', []],
    ['insecure', null, opts, 'up', ['dnssec_insecure']],
    [
      'insecure',
      null,
      { ...opts, dnssecRequired: true },
      'down',
      ['dnssec_required', 'dnssec_insecure'],
    ],
    ['bogus', 3, opts, 'down', ['dnssec_bogus']],
    ['indeterminate', null, opts, 'not_tested', ['dnssec_indeterminate']],
  ] as const)('%s with %s days left → %s', (status, days, options, expected, reasonCodes) => {
    const v = judgeDnssec({ ...base, status, daysToExpiry: days }, options);
    expect(v.status).toBe(expected);
    expect(v.reasons.map((r) => r.code)).toEqual(reasonCodes);
  });
});

function report(o: {
  servers: { name: string; v4?: boolean; v6?: boolean; v6ok?: boolean; v4ok?: boolean }[];
}): NameServerReport {
  const nameServers = o.servers.map((s) => ({
    name: s.name,
    ipv4: s.v4 ? ['127.0.0.1'] : [],
    ipv6: s.v6 ? ['::1'] : [],
    addresses: [
      ...(s.v4
        ? [
            {
              address: '127.0.0.1',
              family: 4 as const,
              udp: { ok: s.v4ok ?? true },
              tcp: { ok: s.v4ok ?? true },
              authoritative: true,
            },
          ]
        : []),
      ...(s.v6
        ? [
            {
              address: '::1',
              family: 6 as const,
              udp: { ok: s.v6ok ?? true },
              tcp: { ok: true },
              authoritative: true,
            },
          ]
        : []),
    ],
  }));
  const withV6 = o.servers.filter((s) => s.v6).length;
  return {
    zone: 'z.test.',
    nameServers,
    atLeastTwoNameServers: o.servers.length >= 2,
    ipv6: { nameServersWithIpv6: withV6, atLeastTwo: withV6 >= 2 },
    reach: { ipv4: { udp: true, tcp: true, tested: 1 }, ipv6: { udp: true, tcp: true, tested: 1 } },
    consistency: { soaSerials: [1], soaAgrees: true, dnskeySets: [], dnskeyAgrees: true },
    problems: [],
  };
}

describe('judgeNameServers', () => {
  const selfOk = {
    selfTest: async () => ({
      ipv6: true,
      anchor: 'a',
      checkedAt: '',
      observations: {},
      reasons: [],
    }),
  };
  const selfBad = {
    selfTest: async () => ({
      ipv6: false,
      anchor: 'a',
      checkedAt: '',
      observations: {},
      reasons: [],
    }),
  };

  it('up: two IPv6 name servers, every address answering', async () => {
    const v = await judgeNameServers(
      report({
        servers: [
          { name: 'a', v4: true, v6: true },
          { name: 'b', v6: true },
        ],
      }),
      false,
      selfOk,
    );
    expect(v).toEqual({ status: 'up', reasons: [] });
  });

  it('degraded: one IPv6 name server; or an IPv4 address failing', async () => {
    const one = await judgeNameServers(
      report({
        servers: [
          { name: 'a', v6: true },
          { name: 'b', v4: true },
        ],
      }),
      false,
      selfOk,
    );
    expect(one.status).toBe('degraded');
    expect(one.reasons.map((r) => r.code)).toContain('ns_ipv6_single');
    const v4 = await judgeNameServers(
      report({
        servers: [
          { name: 'a', v6: true, v4: true, v4ok: false },
          { name: 'b', v6: true },
        ],
      }),
      false,
      selfOk,
    );
    expect(v4.reasons.map((r) => r.code)).toEqual(['ns_ipv6_degraded', 'ns_ipv4_unreachable']);
  });

  it('down: every IPv6 address fails; not_tested instead when the probe host has no IPv6', async () => {
    const servers = [
      { name: 'a', v6: true, v6ok: false },
      { name: 'b', v6: true, v6ok: false },
    ];
    const down = await judgeNameServers(report({ servers }), false, selfOk);
    expect(down.status).toBe('down');
    expect(down.reasons.map((r) => r.code)).toContain('ns_ipv6_unreachable');
    const ours = await judgeNameServers(report({ servers }), false, selfBad);
    expect(ours.status).toBe('not_tested');
    expect(ours.reasons.map((r) => r.code)).toContain('probe_host_no_ipv6');
  });

  it('down: the NS set cannot be read', async () => {
    const v = await judgeNameServers(report({ servers: [] }), true, selfOk);
    expect(v.status).toBe('down');
    expect(v.reasons.map((r) => r.code)).toEqual(['ns_ipv6_down', 'ns_lookup_failed']);
  });
});
