import { X509Certificate } from 'node:crypto';

/** Facts about one certificate, as a TLS server sent it (or as the trust store completed it). */
export interface CertificateFacts {
  subject: string;
  issuer: string;
  /** `DNS:name` and `IP Address:addr` entries, as OpenSSL prints them. */
  subjectAltNames: string[];
  notBefore: string;
  notAfter: string;
  /** Whole days from the probe's clock to notAfter; negative once expired. */
  daysToExpiry: number;
  serialNumber: string;
  /** Upper-case hex pairs separated by colons. */
  fingerprintSha256: string;
  /** Subject equals issuer and the certificate's own key verifies its signature. */
  selfSigned: boolean;
  isCa: boolean;
  publicKey: { type: string; bits?: number; curve?: string };
  /** A name such as `sha256WithRSAEncryption`, or the dotted OID when unknown. */
  signatureAlgorithm: string;
  /** The digest of that signature, when it has one: `sha1`, `sha256`, ... */
  signatureHash?: string;
}

const DAY_MS = 86_400_000;

const SIGNATURE_ALGORITHMS: Record<string, [string, string | undefined]> = {
  '1.2.840.113549.1.1.4': ['md5WithRSAEncryption', 'md5'],
  '1.2.840.113549.1.1.5': ['sha1WithRSAEncryption', 'sha1'],
  '1.2.840.113549.1.1.10': ['rsassaPss', undefined],
  '1.2.840.113549.1.1.11': ['sha256WithRSAEncryption', 'sha256'],
  '1.2.840.113549.1.1.12': ['sha384WithRSAEncryption', 'sha384'],
  '1.2.840.113549.1.1.13': ['sha512WithRSAEncryption', 'sha512'],
  '1.2.840.113549.1.1.14': ['sha224WithRSAEncryption', 'sha224'],
  '1.2.840.10040.4.3': ['dsaWithSHA1', 'sha1'],
  '2.16.840.1.101.3.4.3.2': ['dsaWithSHA256', 'sha256'],
  '1.2.840.10045.4.1': ['ecdsaWithSHA1', 'sha1'],
  '1.2.840.10045.4.3.1': ['ecdsaWithSHA224', 'sha224'],
  '1.2.840.10045.4.3.2': ['ecdsaWithSHA256', 'sha256'],
  '1.2.840.10045.4.3.3': ['ecdsaWithSHA384', 'sha384'],
  '1.2.840.10045.4.3.4': ['ecdsaWithSHA512', 'sha512'],
  '1.3.101.112': ['ed25519', undefined],
  '1.3.101.113': ['ed448', undefined],
};

/** Reads one DER header at `offset`: [tag, content start, content length]. */
function derHeader(der: Uint8Array, offset: number): [number, number, number] {
  if (offset + 2 > der.length) throw new Error('DER: truncated header');
  const tag = der[offset];
  let length = der[offset + 1];
  let start = offset + 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n === 0 || n > 4 || start + n > der.length) throw new Error('DER: bad length');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + der[start + i];
    start += n;
  }
  if (start + length > der.length) throw new Error('DER: content past the end');
  return [tag, start, length];
}

function decodeOid(bytes: Uint8Array): string {
  const arcs: number[] = [];
  let value = 0;
  for (const b of bytes) {
    value = value * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      if (arcs.length === 0) {
        const first = value < 80 ? Math.floor(value / 40) : 2;
        arcs.push(first, value - first * 40);
      } else arcs.push(value);
      value = 0;
    }
  }
  return arcs.join('.');
}

/**
 * The outer signatureAlgorithm OID of a DER certificate (RFC 5280 §4.1.1.2):
 * Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm AlgorithmIdentifier, signature }.
 * Node 20's X509Certificate does not expose it.
 */
export function signatureAlgorithmOid(der: Uint8Array): string {
  const [certTag, certStart] = derHeader(der, 0);
  if (certTag !== 0x30) throw new Error('DER: certificate is not a SEQUENCE');
  const [tbsTag, tbsStart, tbsLength] = derHeader(der, certStart);
  if (tbsTag !== 0x30) throw new Error('DER: tbsCertificate is not a SEQUENCE');
  const [algTag, algStart] = derHeader(der, tbsStart + tbsLength);
  if (algTag !== 0x30) throw new Error('DER: signatureAlgorithm is not a SEQUENCE');
  const [oidTag, oidStart, oidLength] = derHeader(der, algStart);
  if (oidTag !== 0x06) throw new Error('DER: signatureAlgorithm has no OID');
  return decodeOid(der.subarray(oidStart, oidStart + oidLength));
}

/** OpenSSL prints names one attribute a line: `CN=a\nO=b` → `CN=a, O=b`. */
const oneLine = (name: string) => name.split('\n').filter(Boolean).join(', ');

export function splitAltNames(text: string | undefined): string[] {
  if (!text) return [];
  // Node ≥ 20 quotes entries that contain a comma, so ", " outside quotes separates them.
  return (text.match(/(?:[^,"]|"(?:[^"\\]|\\.)*")+/g) ?? []).map((s) => s.trim()).filter(Boolean);
}

export function describeCertificate(der: Uint8Array, now: Date): CertificateFacts {
  const cert = new X509Certificate(der);
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  let oid = '';
  try {
    oid = signatureAlgorithmOid(der);
  } catch {
    oid = 'unknown';
  }
  const known = SIGNATURE_ALGORITHMS[oid];
  let selfSigned = false;
  if (cert.subject === cert.issuer) {
    try {
      selfSigned = cert.verify(cert.publicKey);
    } catch {
      selfSigned = false;
    }
  }
  const key = cert.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  const publicKey: CertificateFacts['publicKey'] = { type: key.asymmetricKeyType ?? 'unknown' };
  if (details.modulusLength !== undefined) publicKey.bits = details.modulusLength;
  if (details.namedCurve !== undefined) publicKey.curve = details.namedCurve;
  const facts: CertificateFacts = {
    subject: oneLine(cert.subject),
    issuer: oneLine(cert.issuer),
    subjectAltNames: splitAltNames(cert.subjectAltName),
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    daysToExpiry: Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS),
    serialNumber: cert.serialNumber,
    fingerprintSha256: cert.fingerprint256,
    selfSigned,
    isCa: cert.ca,
    publicKey,
    signatureAlgorithm: known?.[0] ?? oid,
  };
  if (known?.[1]) facts.signatureHash = known[1];
  return facts;
}

export { DAY_MS };
