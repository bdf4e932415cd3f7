import { X509Certificate } from 'node:crypto';
import {
  describeCertificate,
  signatureAlgorithmOid,
  splitAltNames,
} from '../../../probes/tls/certificate';
import { makeCa, makeLeaf } from './certs';

const der = (pem: string) => new X509Certificate(pem).raw;

describe('certificate facts', () => {
  it('reads the outer signature algorithm from DER', async () => {
    const ca = await makeCa();
    const sha1 = await makeLeaf(ca, { hash: 'SHA-1' });
    const rsa = await makeLeaf(null, { selfSigned: true, key: { kind: 'rsa', bits: 1024 } });
    expect(signatureAlgorithmOid(der(ca.cert))).toBe('1.2.840.10045.4.3.2');
    expect(signatureAlgorithmOid(der(sha1.cert))).toBe('1.2.840.10045.4.1');
    expect(signatureAlgorithmOid(der(rsa.cert))).toBe('1.2.840.113549.1.1.11');
  });

  it('refuses DER that is not a certificate', () => {
    expect(() => signatureAlgorithmOid(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00]))).toThrow(/DER/);
    expect(() => signatureAlgorithmOid(Buffer.from([0x04, 0x00]))).toThrow(/not a SEQUENCE/);
    expect(() => signatureAlgorithmOid(Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff]))).toThrow(
      /past the end/,
    );
  });

  it('describes a CA and a leaf, with days to expiry by the given clock', async () => {
    const ca = await makeCa();
    const leaf = await makeLeaf(ca, { notAfterDays: 30 });
    const now = new Date();
    const c = describeCertificate(der(ca.cert), now);
    expect(c).toMatchObject({ selfSigned: true, isCa: true, subject: 'CN=NetWatch Test CA' });
    const l = describeCertificate(der(leaf.cert), now);
    expect(l).toMatchObject({ selfSigned: false, isCa: false, daysToExpiry: 29 });
    const later = describeCertificate(der(leaf.cert), new Date(now.getTime() + 31 * 86_400_000));
    expect(later.daysToExpiry).toBe(-2);
  });

  it('splits SANs, keeping quoted commas', () => {
    expect(splitAltNames('DNS:a.test, DNS:"b, c.test", IP Address:127.0.0.1')).toEqual([
      'DNS:a.test',
      'DNS:"b, c.test"',
      'IP Address:127.0.0.1',
    ]);
    expect(splitAltNames(undefined)).toEqual([]);
  });
});
