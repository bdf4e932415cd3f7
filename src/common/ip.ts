import { Address4, Address6 } from 'ip-address';

/**
 * Address parsing and canonical forms (ip-address does the parsing; we only decide what is
 * acceptable). IPv4-mapped IPv6 (`::ffff:a.b.c.d`) is refused: store the IPv4 address instead.
 */
export interface ParsedAddress {
  family: 4 | 6;
  /** Canonical host address, no mask: `198.51.100.7`, `2001:db8::7`. */
  host: string;
  prefixLength: number;
  /** Canonical network of the address's prefix: `198.51.100.0/24`. */
  network: string;
}

function parse(text: string): Address4 | Address6 | string {
  const value = text.trim();
  if (!value) return 'is empty';
  try {
    if (value.includes(':')) {
      const a = new Address6(value);
      if (a.isMapped4()) return 'is an IPv4-mapped IPv6 address; use the IPv4 address';
      if (a.zone) return 'must not carry a zone index';
      return a;
    }
    if (!/^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/.test(value)) return 'is not an IPv4 or IPv6 address';
    return new Address4(value);
  } catch {
    return 'is not an IPv4 or IPv6 address';
  }
}

function describe(a: Address4 | Address6): ParsedAddress {
  const family = a instanceof Address4 ? 4 : 6;
  const host = a instanceof Address4 ? a.correctForm() : a.correctForm();
  const start = a.startAddress();
  const network = `${start instanceof Address4 ? start.correctForm() : (start as Address6).correctForm()}/${a.subnetMask}`;
  return { family, host, prefixLength: a.subnetMask, network };
}

/** An address with optional prefix length (`198.51.100.7/24`, `2001:db8::7`). */
export function parseAddress(text: string): ParsedAddress | string {
  const a = parse(text);
  return typeof a === 'string' ? a : describe(a);
}

/** A host address without prefix length, e.g. a management address. */
export function parseHost(text: string): ParsedAddress | string {
  if (text.includes('/')) return 'must be a single address without a prefix length';
  return parseAddress(text);
}

/** A network in CIDR form whose host bits are zero. */
export function parsePrefix(text: string): ParsedAddress | string {
  if (!text.includes('/')) return 'must be a network in CIDR form, e.g. 198.51.100.0/24';
  const p = parseAddress(text);
  if (typeof p === 'string') return p.replace('address', 'network');
  if (p.host !== p.network.split('/')[0]) return `has host bits set; the network is ${p.network}`;
  return p;
}

/**
 * Canonical `host/len` text for an interface address, as PostgreSQL prints an `inet`: a full
 * mask (/32, /128) is left out. Comparing stored and imported values then needs no special case.
 */
export function formatInterfaceAddress(p: ParsedAddress): string {
  const full = p.family === 4 ? 32 : 128;
  return p.prefixLength === full ? p.host : `${p.host}/${p.prefixLength}`;
}
