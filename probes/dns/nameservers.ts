import * as dnsPacket from 'dns-packet';
import { ProbeScope } from '../scope';
import { keyTag } from './dnssec/keys';
import { DnsLookup } from './dnssec/validator';
import { DnsRecord, fqdn, normalizeName } from './message';
import { AddressFamily, DnsTransport } from './transport';

export interface NameServerCheckOptions {
  /** Resolves the NS set and the servers' addresses (resolver, or the --server). */
  lookup: DnsLookup;
  /** Sends the per-server queries straight to each address. */
  transport: DnsTransport;
  /** DNS port of the name servers (53; tests use a high port). */
  port?: number;
  scope?: ProbeScope;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface TransportCheck {
  ok: boolean;
  rttMs?: number;
  error?: string;
}

export interface AddressCheck {
  address: string;
  family: AddressFamily;
  /** Set when the address was not queried (outside the probe scope). */
  notTested?: string;
  udp?: TransportCheck;
  tcp?: TransportCheck;
  authoritative?: boolean;
  soaSerial?: number;
  dnskeyTags?: number[];
}

export interface NameServerInfo {
  name: string;
  ipv4: string[];
  ipv6: string[];
  addresses: AddressCheck[];
}

export interface NameServerReport {
  zone: string;
  nameServers: NameServerInfo[];
  /** Zonemaster DELEGATION01: at least two name servers. */
  atLeastTwoNameServers: boolean;
  /** internet.nl ns_aaaa: at least two name servers have an IPv6 address. */
  ipv6: { nameServersWithIpv6: number; atLeastTwo: boolean };
  /** Zonemaster CONNECTIVITY01/02 and internet.nl ns_reach, per family. */
  reach: Record<'ipv4' | 'ipv6', { udp: boolean; tcp: boolean; tested: number }>;
  consistency: {
    soaSerials: number[];
    soaAgrees: boolean;
    dnskeySets: string[];
    dnskeyAgrees: boolean;
  };
  problems: string[];
}

const addressesOf = (records: DnsRecord[], name: string, type: 'A' | 'AAAA') =>
  records
    .filter((r) => r.type === type && normalizeName(r.name) === name)
    .map((r) => String(r.data));

/**
 * The name-server side of a zone's IPv6 readiness: its NS set, each server's IPv4 and IPv6
 * addresses, whether each address answers authoritatively over UDP and TCP on its own family
 * (no fallback), and whether all servers agree on the SOA serial and the DNSKEY set.
 */
export async function checkNameServers(
  zone: string,
  o: NameServerCheckOptions,
): Promise<NameServerReport> {
  const z = normalizeName(zone);
  const port = o.port ?? 53;
  const problems: string[] = [];
  const nsRes = await o.lookup.query(z, 'NS');
  const names = nsRes.ok
    ? [
        ...new Set(
          nsRes.message.answers
            .filter((r) => r.type === 'NS' && normalizeName(r.name) === z)
            .map((r) => normalizeName(String(r.data))),
        ),
      ]
    : [];
  if (!nsRes.ok) problems.push(`NS query for ${fqdn(z)} failed: ${nsRes.error}`);
  else if (!names.length) problems.push(`${fqdn(z)} has no NS records (is it a zone apex?)`);

  const nameServers: NameServerInfo[] = [];
  for (const name of names.sort()) {
    const [a, aaaa] = await Promise.all([o.lookup.query(name, 'A'), o.lookup.query(name, 'AAAA')]);
    const ipv4 = a.ok ? addressesOf(a.message.answers, name, 'A') : [];
    const ipv6 = aaaa.ok ? addressesOf(aaaa.message.answers, name, 'AAAA') : [];
    if (!ipv4.length && !ipv6.length) problems.push(`name server ${fqdn(name)} has no address`);
    const addresses: AddressCheck[] = [];
    for (const [family, list] of [
      [4, ipv4],
      [6, ipv6],
    ] as [AddressFamily, string[]][]) {
      for (const address of list) addresses.push(await checkAddress(z, address, family, port, o));
    }
    nameServers.push({ name: fqdn(name), ipv4, ipv6, addresses });
  }

  const all = nameServers.flatMap((n) => n.addresses);
  const reachFor = (family: AddressFamily) => {
    const tested = all.filter((a) => a.family === family && !a.notTested);
    return {
      udp: tested.length > 0 && tested.every((a) => a.udp?.ok),
      tcp: tested.length > 0 && tested.every((a) => a.tcp?.ok),
      tested: tested.length,
    };
  };
  const serials = [
    ...new Set(all.filter((a) => a.soaSerial !== undefined).map((a) => a.soaSerial as number)),
  ];
  const keySets = [
    ...new Set(all.filter((a) => a.dnskeyTags).map((a) => (a.dnskeyTags as number[]).join(','))),
  ];
  for (const a of all.filter((x) => x.udp && !x.udp.ok))
    problems.push(`${a.address} does not answer over UDP: ${a.udp?.error}`);
  for (const a of all.filter((x) => x.tcp && !x.tcp.ok))
    problems.push(`${a.address} does not answer over TCP: ${a.tcp?.error}`);
  for (const a of all.filter((x) => x.authoritative === false))
    problems.push(`${a.address} answers for ${fqdn(z)} without authority (lame delegation)`);
  if (serials.length > 1)
    problems.push(`name servers disagree on the SOA serial: ${serials.join(', ')}`);
  if (keySets.length > 1)
    problems.push(
      `name servers disagree on the DNSKEY set: ${keySets.map((k) => `[${k}]`).join(' vs ')}`,
    );
  const withV6 = nameServers.filter((n) => n.ipv6.length > 0).length;
  if (withV6 < 2)
    problems.push(
      `only ${withV6} name server${withV6 === 1 ? ' has' : 's have'} an IPv6 address (at least 2 needed)`,
    );
  if (names.length < 2 && names.length > 0)
    problems.push('only one name server (at least 2 needed)');
  return {
    zone: fqdn(z),
    nameServers,
    atLeastTwoNameServers: names.length >= 2,
    ipv6: { nameServersWithIpv6: withV6, atLeastTwo: withV6 >= 2 },
    reach: { ipv4: reachFor(4), ipv6: reachFor(6) },
    consistency: {
      soaSerials: serials,
      soaAgrees: serials.length <= 1,
      dnskeySets: keySets,
      dnskeyAgrees: keySets.length <= 1,
    },
    problems,
  };
}

async function checkAddress(
  zone: string,
  address: string,
  family: AddressFamily,
  port: number,
  o: NameServerCheckOptions,
): Promise<AddressCheck> {
  if (o.scope && !o.scope.allows(address))
    return { address, family, notTested: 'outside probe scope' };
  const server = { address, port };
  const settings = {
    recursionDesired: false,
    checkingDisabled: false,
    dnssecOk: true,
    timeoutMs: o.timeoutMs ?? 3000,
    signal: o.signal,
  };
  const [udp, tcp] = await Promise.all([
    o.transport.query(server, zone, 'SOA', { ...settings, protocol: 'udp' }),
    o.transport.query(server, zone, 'SOA', { ...settings, protocol: 'tcp' }),
  ]);
  const check: AddressCheck = {
    address,
    family,
    udp: udp.ok
      ? { ok: true, rttMs: Math.round(udp.rttMs * 10) / 10 }
      : { ok: false, error: udp.error.message },
    tcp: tcp.ok
      ? { ok: true, rttMs: Math.round(tcp.rttMs * 10) / 10 }
      : { ok: false, error: tcp.error.message },
  };
  const answer = udp.ok ? udp : tcp.ok ? tcp : null;
  if (answer) {
    check.authoritative = answer.message.flags.aa;
    const soa = answer.message.answers.find((r): r is dnsPacket.SoaAnswer => r.type === 'SOA');
    if (soa) check.soaSerial = soa.data.serial;
    const keys = await o.transport.query(server, zone, 'DNSKEY', { ...settings, protocol: 'auto' });
    if (keys.ok) {
      check.dnskeyTags = keys.message.answers
        .filter((r): r is dnsPacket.DnskeyAnswer => r.type === 'DNSKEY')
        .map((k) => keyTag(k))
        .sort((x, y) => x - y);
    }
  }
  return check;
}
