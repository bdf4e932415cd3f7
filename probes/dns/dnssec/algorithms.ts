/**
 * DNSSEC algorithm and digest policy (RFC 8624 §3.1 and §3.3, as updated by RFC 9904 drafts'
 * direction): what we validate, what we report as deprecated, what counts as unsupported (a zone
 * signed only with unsupported algorithms is treated as insecure, RFC 4035 §5.2).
 */
export interface AlgorithmInfo {
  number: number;
  name: string;
  /** `ok`: recommended; `deprecated`: validated but reported; `unsupported`: not validated. */
  policy: 'ok' | 'deprecated' | 'unsupported';
  hash?: 'sha1' | 'sha256' | 'sha384' | 'sha512';
  kind?: 'rsa' | 'ecdsa' | 'eddsa';
  curve?: 'P-256' | 'P-384' | 'Ed25519' | 'Ed448';
}

const TABLE: AlgorithmInfo[] = [
  { number: 1, name: 'RSAMD5', policy: 'unsupported' },
  { number: 3, name: 'DSA', policy: 'unsupported' },
  { number: 5, name: 'RSASHA1', policy: 'deprecated', hash: 'sha1', kind: 'rsa' },
  { number: 6, name: 'DSA-NSEC3-SHA1', policy: 'unsupported' },
  { number: 7, name: 'RSASHA1-NSEC3-SHA1', policy: 'deprecated', hash: 'sha1', kind: 'rsa' },
  { number: 8, name: 'RSASHA256', policy: 'ok', hash: 'sha256', kind: 'rsa' },
  { number: 10, name: 'RSASHA512', policy: 'ok', hash: 'sha512', kind: 'rsa' },
  { number: 12, name: 'ECC-GOST', policy: 'unsupported' },
  {
    number: 13,
    name: 'ECDSAP256SHA256',
    policy: 'ok',
    hash: 'sha256',
    kind: 'ecdsa',
    curve: 'P-256',
  },
  {
    number: 14,
    name: 'ECDSAP384SHA384',
    policy: 'ok',
    hash: 'sha384',
    kind: 'ecdsa',
    curve: 'P-384',
  },
  { number: 15, name: 'ED25519', policy: 'ok', kind: 'eddsa', curve: 'Ed25519' },
  { number: 16, name: 'ED448', policy: 'ok', kind: 'eddsa', curve: 'Ed448' },
];

const BY_NUMBER = new Map(TABLE.map((a) => [a.number, a]));

export function algorithm(n: number): AlgorithmInfo {
  return BY_NUMBER.get(n) ?? { number: n, name: `ALG${n}`, policy: 'unsupported' };
}

export function isSupportedAlgorithm(n: number): boolean {
  return algorithm(n).policy !== 'unsupported';
}

export interface DigestInfo {
  number: number;
  name: string;
  policy: 'ok' | 'deprecated' | 'unsupported';
  hash?: 'sha1' | 'sha256' | 'sha384';
}

const DIGESTS: DigestInfo[] = [
  { number: 1, name: 'SHA-1', policy: 'deprecated', hash: 'sha1' },
  { number: 2, name: 'SHA-256', policy: 'ok', hash: 'sha256' },
  { number: 3, name: 'GOST R 34.11-94', policy: 'unsupported' },
  { number: 4, name: 'SHA-384', policy: 'ok', hash: 'sha384' },
];
const DIGEST_BY_NUMBER = new Map(DIGESTS.map((d) => [d.number, d]));

export function digest(n: number): DigestInfo {
  return DIGEST_BY_NUMBER.get(n) ?? { number: n, name: `DIGEST${n}`, policy: 'unsupported' };
}
