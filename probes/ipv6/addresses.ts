import { Address4, Address6 } from 'ip-address';
import type { DnsLookup } from '../dns/dnssec/validator';
import { normalizeName } from '../dns/message';

/** An address record that was seen but does not count (see `classifyAaaa`). */
export interface IgnoredAddress {
  address: string;
  reason: string;
}

export interface AddressLookup {
  /** The name asked for (normalised). */
  name: string;
  type: 'A' | 'AAAA';
  /**
   * `ok`: NOERROR (possibly without records); `nxdomain`: the name does not exist; `error`: no
   * usable answer (timeout, SERVFAIL, REFUSED, malformed...).
   */
  result: 'ok' | 'nxdomain' | 'error';
  error?: string;
  /** CNAMEs followed, in order (empty when the name owns its records). */
  cnames: string[];
  /** Usable addresses, in canonical text form, without duplicates. */
  addresses: string[];
  /** Records of the type that do not count as an address of this family. */
  ignored: IgnoredAddress[];
}

const NAT64_WELL_KNOWN = new Address6('64:ff9b::/96');
const NAT64_LOCAL_USE = new Address6('64:ff9b:1::/48');
const IPV4_COMPATIBLE = new Address6('::/96');

/**
 * Why an AAAA value is not an IPv6 address of the host, or null when it is one:
 * - `::ffff:a.b.c.d` (IPv4-mapped, RFC 4291 §2.5.5.2) reaches the IPv4 host through a dual-stack
 *   socket: it is IPv4, not IPv6;
 * - `64:ff9b::/96` and `64:ff9b:1::/48` (NAT64, RFC 6052 / RFC 8215) are what a DNS64 resolver
 *   synthesises for an IPv4-only host;
 * - `::a.b.c.d` (IPv4-compatible, deprecated) and `::` (unspecified).
 */
export function classifyAaaa(text: string): { canonical: string; ignoredBecause: string | null } {
  let a: Address6;
  try {
    a = new Address6(text);
  } catch {
    return { canonical: text, ignoredBecause: 'not an IPv6 address' };
  }
  const canonical = a.correctForm();
  if (a.isMapped4()) return { canonical, ignoredBecause: 'IPv4-mapped address (::ffff:0:0/96)' };
  if (a.isInSubnet(NAT64_WELL_KNOWN) || a.isInSubnet(NAT64_LOCAL_USE))
    return { canonical, ignoredBecause: 'NAT64 prefix (synthesised by DNS64 for an IPv4 host)' };
  if (canonical === '::') return { canonical, ignoredBecause: 'unspecified address' };
  if (canonical !== '::1' && a.isInSubnet(IPV4_COMPATIBLE))
    return { canonical, ignoredBecause: 'IPv4-compatible address (::/96, deprecated)' };
  return { canonical, ignoredBecause: null };
}

function classifyA(text: string): { canonical: string; ignoredBecause: string | null } {
  let a: Address4;
  try {
    a = new Address4(text);
  } catch {
    return { canonical: text, ignoredBecause: 'not an IPv4 address' };
  }
  const canonical = a.correctForm();
  if (canonical === '0.0.0.0') return { canonical, ignoredBecause: 'unspecified address' };
  return { canonical, ignoredBecause: null };
}

/** CNAME hops followed across queries before giving up (BIND's default max-restarts). */
const MAX_CNAME_HOPS = 11;

/**
 * The A or AAAA addresses of a name through one DnsLookup (so `--server` decides where every
 * query goes), following CNAME chains inside an answer and, when an answer ends at a CNAME, with
 * a new query for its target.
 */
export async function lookupAddresses(
  lookup: DnsLookup,
  host: string,
  type: 'A' | 'AAAA',
): Promise<AddressLookup> {
  const name = normalizeName(host);
  const out: AddressLookup = {
    name,
    type,
    result: 'ok',
    cnames: [],
    addresses: [],
    ignored: [],
  };
  const seen = new Set<string>([name]);
  let current = name;
  for (let hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
    const asked = current;
    const res = await lookup.query(current, type);
    if (!res.ok) return { ...out, result: 'error', error: res.error };
    const message = res.message;
    if (message.rcode === 'NXDOMAIN') {
      return { ...out, result: 'nxdomain', error: `${current} does not exist (NXDOMAIN)` };
    }
    if (message.rcode !== 'NOERROR')
      return { ...out, result: 'error', error: `${type} query for ${current}: ${message.rcode}` };
    // Follow the chain inside this answer.
    for (;;) {
      const cname = message.answers.find(
        (r) => r.type === 'CNAME' && normalizeName(r.name) === current,
      );
      if (!cname) break;
      const target = normalizeName(String(cname.data));
      if (seen.has(target))
        return { ...out, result: 'error', error: `CNAME loop at ${current} → ${target}` };
      seen.add(target);
      out.cnames.push(target);
      current = target;
    }
    const records = message.answers.filter(
      (r) => r.type === type && normalizeName(r.name) === current,
    );
    // The answer stopped at a CNAME whose target the server does not serve or follow (another
    // zone, as an authoritative server answers): ask for the target itself.
    if (records.length === 0 && current !== asked) continue;
    const classify = type === 'AAAA' ? classifyAaaa : classifyA;
    for (const record of records) {
      const { canonical, ignoredBecause } = classify(String(record.data));
      if (ignoredBecause) {
        if (!out.ignored.some((i) => i.address === canonical))
          out.ignored.push({ address: canonical, reason: ignoredBecause });
      } else if (!out.addresses.includes(canonical)) {
        out.addresses.push(canonical);
      }
    }
    return out;
  }
  return { ...out, result: 'error', error: `more than ${MAX_CNAME_HOPS} CNAME hops from ${name}` };
}
