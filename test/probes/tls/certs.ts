import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

type CryptoKeyPair = webcrypto.CryptoKeyPair;

/**
 * Test certificates made with WebCrypto: a CA and leaves it signs (valid, expired, for another
 * name, short-lived, weak key, SHA-1). Nothing here touches the network.
 */

const DAY = 86_400_000;

export interface KeyChoice {
  kind: 'ec' | 'rsa';
  /** RSA modulus length; default 2048. */
  bits?: number;
}

export interface Issued {
  /** PEM certificate. */
  cert: string;
  /** PEM PKCS#8 private key. */
  key: string;
  x509: x509.X509Certificate;
  keys: CryptoKeyPair;
}

function algorithm(
  key: KeyChoice,
  hash: string,
): webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams {
  return key.kind === 'rsa'
    ? {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: key.bits ?? 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash,
      }
    : { name: 'ECDSA', namedCurve: 'P-256' };
}

function signing(key: KeyChoice, hash: string): webcrypto.Algorithm | webcrypto.EcdsaParams {
  return key.kind === 'rsa' ? { name: 'RSASSA-PKCS1-v1_5' } : { name: 'ECDSA', hash };
}

async function keyPair(key: KeyChoice, hash: string): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(algorithm(key, hash), true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
}

async function pemKey(keys: CryptoKeyPair): Promise<string> {
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return x509.PemConverter.encode(pkcs8, 'PRIVATE KEY');
}

export async function makeCa(name = 'CN=NetWatch Test CA'): Promise<Issued> {
  const keyChoice: KeyChoice = { kind: 'ec' };
  const keys = await keyPair(keyChoice, 'SHA-256');
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name,
    notBefore: new Date(Date.now() - 2 * DAY),
    notAfter: new Date(Date.now() + 3650 * DAY),
    keys,
    signingAlgorithm: signing(keyChoice, 'SHA-256'),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: cert.toString('pem'), key: await pemKey(keys), x509: cert, keys };
}

export interface LeafOptions {
  subject?: string;
  dns?: string[];
  ips?: string[];
  /** Days from now (negative: in the past). */
  notBeforeDays?: number;
  notAfterDays?: number;
  key?: KeyChoice;
  /** Hash of the CA's signature; default SHA-256. */
  hash?: 'SHA-256' | 'SHA-1';
  /** Self-signed instead of issued by `ca`. */
  selfSigned?: boolean;
}

let serial = 0x1000;

export async function makeLeaf(ca: Issued | null, o: LeafOptions = {}): Promise<Issued> {
  const keyChoice = o.key ?? { kind: 'ec' };
  const hash = o.hash ?? 'SHA-256';
  const keys = await keyPair(keyChoice, hash);
  const dns = o.dns ?? ['localhost'];
  const ips = o.ips ?? ['127.0.0.1', '::1'];
  const subject = o.subject ?? `CN=${dns[0] ?? ips[0] ?? 'leaf'}`;
  const names: x509.JsonGeneralNames = [
    ...dns.map((value) => ({ type: 'dns' as const, value })),
    ...ips.map((value) => ({ type: 'ip' as const, value })),
  ];
  const common = {
    serialNumber: (serial++).toString(16),
    notBefore: new Date(Date.now() + (o.notBeforeDays ?? -1) * DAY),
    notAfter: new Date(Date.now() + (o.notAfterDays ?? 90) * DAY),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.SubjectAlternativeNameExtension(names),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
    ],
  };
  let cert: x509.X509Certificate;
  if (o.selfSigned || !ca) {
    cert = await x509.X509CertificateGenerator.createSelfSigned({
      ...common,
      name: subject,
      keys,
      signingAlgorithm: signing(keyChoice, hash),
    });
  } else {
    const caKeyKind: KeyChoice = { kind: 'ec' };
    cert = await x509.X509CertificateGenerator.create({
      ...common,
      subject,
      issuer: ca.x509.subject,
      publicKey: keys.publicKey,
      signingKey: ca.keys.privateKey,
      signingAlgorithm: signing(caKeyKind, hash),
      extensions: [
        ...common.extensions,
        await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey),
      ],
    });
  }
  return { cert: cert.toString('pem'), key: await pemKey(keys), x509: cert, keys };
}
