import { createHash, createPublicKey, KeyObject, verify as cryptoVerify } from 'node:crypto';
import * as dnsPacket from 'dns-packet';
import { algorithm, digest } from './algorithms';
import { canonicalNameWire, canonicalRdata } from './canonical';

export type DnskeyRecord = dnsPacket.DnskeyAnswer;
export type DsRecord = dnsPacket.DSAnswer;
export type RrsigRecord = dnsPacket.RrsigAnswer;

/** RFC 4034 Appendix B key tag, over the DNSKEY RDATA. */
export function keyTag(key: DnskeyRecord): number {
  const rdata = canonicalRdata(key);
  let ac = 0;
  for (let i = 0; i < rdata.length; i++) ac += i & 1 ? rdata[i] : rdata[i] << 8;
  ac += (ac >> 16) & 0xffff;
  return ac & 0xffff;
}

export const ZONE_KEY_FLAG = 0x0100;
export const SEP_FLAG = 0x0001;
export const REVOKE_FLAG = 0x0080;

/** Size in bits, for diagnostics. */
export function keySize(key: DnskeyRecord): number {
  const info = algorithm(key.data.algorithm);
  const k = key.data.key;
  if (info.kind === 'rsa') {
    const expLen = k[0] === 0 ? k.readUInt16BE(1) : k[0];
    const offset = k[0] === 0 ? 3 : 1;
    const modulus = k.subarray(offset + expLen);
    let bits = modulus.length * 8;
    for (let i = 0; i < modulus.length && modulus[i] === 0; i++) bits -= 8;
    if (modulus.length) bits -= Math.clz32(modulus.find((b) => b !== 0) ?? 0) - 24;
    return bits;
  }
  return (
    { 'P-256': 256, 'P-384': 384, Ed25519: 256, Ed448: 456 }[info.curve ?? 'P-256'] ?? k.length * 8
  );
}

const b64url = (b: Buffer) => b.toString('base64url');

/** DNSKEY public key → node KeyObject (RFC 3110 RSA, RFC 6605 ECDSA, RFC 8080 EdDSA). */
function importKey(key: DnskeyRecord): KeyObject {
  const info = algorithm(key.data.algorithm);
  const k = key.data.key;
  if (info.kind === 'rsa') {
    if (k.length < 3) throw new Error('RSA key too short');
    const expLen = k[0] === 0 ? k.readUInt16BE(1) : k[0];
    const offset = k[0] === 0 ? 3 : 1;
    if (offset + expLen >= k.length) throw new Error('RSA key truncated');
    const e = k.subarray(offset, offset + expLen);
    const n = k.subarray(offset + expLen);
    return createPublicKey({ key: { kty: 'RSA', n: b64url(n), e: b64url(e) }, format: 'jwk' });
  }
  if (info.kind === 'ecdsa') {
    const size = info.curve === 'P-256' ? 32 : 48;
    if (k.length !== size * 2) throw new Error(`ECDSA key must be ${size * 2} bytes`);
    return createPublicKey({
      key: {
        kty: 'EC',
        crv: info.curve,
        x: b64url(k.subarray(0, size)),
        y: b64url(k.subarray(size)),
      },
      format: 'jwk',
    });
  }
  if (info.kind === 'eddsa') {
    const size = info.curve === 'Ed25519' ? 32 : 57;
    if (k.length !== size) throw new Error(`${info.curve} key must be ${size} bytes`);
    return createPublicKey({ key: { kty: 'OKP', crv: info.curve, x: b64url(k) }, format: 'jwk' });
  }
  throw new Error(`algorithm ${info.name} is not supported`);
}

/**
 * Parsed keys are cached by their RDATA: importing a key costs about two thirds of a P-256
 * verification, and the same zone keys sign every answer of a zone.
 */
const KEY_CACHE = new Map<string, KeyObject | Error>();
const KEY_CACHE_LIMIT = 10_000;

export function publicKey(key: DnskeyRecord): KeyObject {
  const id = `${key.data.algorithm}:${key.data.key.toString('base64')}`;
  let cached = KEY_CACHE.get(id);
  if (!cached) {
    try {
      cached = importKey(key);
    } catch (err) {
      cached = err as Error;
    }
    if (KEY_CACHE.size >= KEY_CACHE_LIMIT)
      KEY_CACHE.delete(KEY_CACHE.keys().next().value as string);
    KEY_CACHE.set(id, cached);
  }
  if (cached instanceof Error) throw cached;
  return cached;
}

/** Checks a signature over `data` with a DNSKEY; false for a bad signature or an unusable key. */
export function verifySignature(key: DnskeyRecord, data: Buffer, signature: Buffer): boolean {
  const info = algorithm(key.data.algorithm);
  let pub: KeyObject;
  try {
    pub = publicKey(key);
  } catch {
    return false;
  }
  try {
    if (info.kind === 'rsa')
      return cryptoVerify(info.hash === 'sha1' ? 'sha1' : info.hash!, data, pub, signature);
    if (info.kind === 'ecdsa')
      return cryptoVerify(info.hash!, data, { key: pub, dsaEncoding: 'ieee-p1363' }, signature);
    if (info.kind === 'eddsa') return cryptoVerify(null, data, pub, signature);
  } catch {
    return false;
  }
  return false;
}

/** RFC 4034 §5.1.4: digest = hash(owner name | DNSKEY RDATA). */
export function dsDigest(owner: string, key: DnskeyRecord, digestType: number): Buffer | null {
  const info = digest(digestType);
  if (!info.hash) return null;
  return createHash(info.hash)
    .update(Buffer.concat([canonicalNameWire(owner), canonicalRdata(key)]))
    .digest();
}

export function dsMatches(ds: DsRecord, owner: string, key: DnskeyRecord): boolean {
  if (ds.data.algorithm !== key.data.algorithm || ds.data.keyTag !== keyTag(key)) return false;
  const d = dsDigest(owner, key, ds.data.digestType);
  return d !== null && d.equals(ds.data.digest);
}
