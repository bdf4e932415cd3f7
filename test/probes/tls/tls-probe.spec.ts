import { X509Certificate } from 'node:crypto';
import type { TlsOptions } from 'node:tls';
import { ProbeScope } from '../../../probes/scope';
import { TlsProbe, TlsProbeSettings } from '../../../probes/tls/tls-probe';
import {
  blackHole,
  closedPort,
  context,
  httpServer,
  listen,
  Running,
  tlsServer,
  until,
} from '../http/servers';
import { Issued, makeCa, makeLeaf } from './certs';

const DAY = 86_400_000;
const codes = (reasons: { code: string }[]) => reasons.map((r) => r.code);
/** Lets a test server offer old protocols, weak keys and SHA-1 (OpenSSL level 0). */
const WEAK: TlsOptions = { ciphers: 'DEFAULT:@SECLEVEL=0', minVersion: 'TLSv1' };

type Server = Running<ReturnType<typeof tlsServer>>;

describe('TlsProbe', () => {
  let ca: Issued;
  let leaf: Issued;
  const servers: Server[] = [];
  const probe = new TlsProbe();

  async function serve(cert: Issued, host = '127.0.0.1', extra: TlsOptions = {}): Promise<Server> {
    const s = await listen(tlsServer({ cert: cert.cert, key: cert.key, ...extra }), host);
    servers.push(s);
    return s;
  }
  const settings = (s: Server, extra: Partial<TlsProbeSettings> = {}): TlsProbeSettings => ({
    host: 'localhost',
    port: s.port,
    family: s.host.includes(':') ? 6 : 4,
    addresses: [s.host],
    ca: ca.cert,
    ...extra,
  });

  beforeAll(async () => {
    ca = await makeCa();
    leaf = await makeLeaf(ca, { notAfterDays: 90 });
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
  });

  it('is up with a valid chain and name, and describes the certificates', async () => {
    const s = await serve(leaf, '::1');
    const out = await probe.run(undefined, settings(s), context());
    expect(out.status).toBe('up');
    expect(out.family).toBe(6);
    expect(out.reasons).toEqual([]);
    const o = out.observations;
    expect(o.address).toBe('::1');
    expect(o.protocol).toBe('TLSv1.3');
    expect(o.cipher?.standardName).toMatch(/^TLS_/);
    expect(o.chainValid).toBe(true);
    expect(o.hostnameMatch).toBe(true);
    expect(o.trustStore).toBe('ca');
    expect(o.connectMs).toBeGreaterThan(0);
    expect(o.handshakeMs).toBeGreaterThan(0);
    const node = new X509Certificate(leaf.cert);
    expect(o.leaf).toMatchObject({
      subject: 'CN=localhost',
      issuer: 'CN=NetWatch Test CA',
      subjectAltNames: ['DNS:localhost', 'IP Address:127.0.0.1', 'IP Address:0:0:0:0:0:0:0:1'],
      notBefore: new Date(node.validFrom).toISOString(),
      notAfter: new Date(node.validTo).toISOString(),
      fingerprintSha256: node.fingerprint256,
      selfSigned: false,
      isCa: false,
      publicKey: { type: 'ec', curve: 'prime256v1' },
      signatureAlgorithm: 'ecdsaWithSHA256',
      signatureHash: 'sha256',
    });
    expect(o.daysToExpiry).toBeGreaterThanOrEqual(89);
    expect(o.daysToExpiry).toBeLessThanOrEqual(90);
    // The CA (from the given bundle) completes the chain; the leaf expires first.
    expect(o.chain.map((c) => c.subject)).toEqual(['CN=localhost', 'CN=NetWatch Test CA']);
    expect(o.chain[1]).toMatchObject({ selfSigned: true, isCa: true });
    expect(o.earliestExpiry).toEqual({
      subject: 'CN=localhost',
      notAfter: o.leaf?.notAfter,
      daysToExpiry: o.daysToExpiry,
    });
  });

  it('sends the host as SNI, and no SNI when the host is an IP literal (matched against IP SANs)', async () => {
    const s = await serve(leaf, '::1');
    await probe.run(undefined, settings(s), context());
    expect(s.server.servernames).toEqual(['localhost']);
    const literal = await probe.run(
      undefined,
      settings(s, { host: '::1', addresses: undefined }),
      context(),
    );
    expect(literal.status).toBe('up');
    expect(literal.observations.hostnameMatch).toBe(true);
    expect(s.connections).toBe(2);
    expect(s.server.servernames).toEqual(['localhost']);
  });

  it('is down when the chain does not reach the trust store (default store, no CA given)', async () => {
    const s = await serve(leaf);
    const out = await probe.run(undefined, settings(s, { ca: undefined }), context());
    expect(out.status).toBe('down');
    expect(out.family).toBe(4); // it answered: the certificate is described, not just refused
    expect(out.observations.trustStore).toBe('default');
    expect(out.observations.chainValid).toBe(false);
    expect(out.observations.chainError).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(out.observations.leaf?.subject).toBe('CN=localhost');
    expect(out.reasons).toEqual([
      { code: 'tls_down', message: `TLS to localhost port ${s.port} over IPv4 failed` },
      {
        code: 'chain_invalid',
        message: 'certificate chain not trusted: UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      },
    ]);
  });

  it('trusts a self-signed certificate given as the CA bundle', async () => {
    const self = await makeLeaf(null, { selfSigned: true });
    const s = await serve(self);
    const out = await probe.run(undefined, settings(s, { ca: self.cert }), context());
    expect(out.status).toBe('up');
    expect(out.observations.chain).toHaveLength(1);
    expect(out.observations.leaf?.selfSigned).toBe(true);
  });

  it('is down on an expired certificate', async () => {
    const old = await makeLeaf(ca, { notBeforeDays: -60, notAfterDays: -3 });
    const s = await serve(old);
    const out = await probe.run(undefined, settings(s), context());
    expect(out.status).toBe('down');
    expect(codes(out.reasons)).toEqual(['tls_down', 'chain_invalid', 'cert_expired']);
    expect(out.reasons[2]?.message).toMatch(/^leaf CN=localhost expired on .* \(3 days ago\)$/);
    expect(out.observations.daysToExpiry).toBeLessThan(0);
  });

  it('is down on a certificate for another name, though the chain is valid', async () => {
    const other = await makeLeaf(ca, { dns: ['other.test'], ips: [] });
    const s = await serve(other);
    const out = await probe.run(undefined, settings(s), context());
    expect(out.status).toBe('down');
    expect(out.observations.chainValid).toBe(true);
    expect(out.observations.hostnameMatch).toBe(false);
    expect(codes(out.reasons)).toEqual(['tls_down', 'hostname_mismatch']);
    expect(out.observations.hostnameError).toMatch(/other\.test/);
  });

  it('is degraded within warnDays of expiry, up outside them', async () => {
    const soon = await makeLeaf(ca, { notAfterDays: 5.5 });
    const s = await serve(soon);
    const out = await probe.run(undefined, settings(s), context());
    expect(out.status).toBe('degraded');
    expect(codes(out.reasons)).toEqual(['tls_degraded', 'expiring_soon']);
    expect(out.reasons[1]?.message).toMatch(/in 5 days \(warning at 14\)$/);
    const relaxed = await probe.run(undefined, settings(s, { warnDays: 3 }), context());
    expect(relaxed.status).toBe('up');
  });

  it('judges expiry by the injected clock', async () => {
    const s = await serve(leaf);
    const in80Days = () => new Date(Date.now() + 80 * DAY);
    const soon = await probe.run(undefined, settings(s), context(3000, in80Days));
    expect(soon.status).toBe('degraded');
    expect(soon.observations.daysToExpiry).toBeLessThanOrEqual(10);
    const in100Days = () => new Date(Date.now() + 100 * DAY);
    const later = await probe.run(undefined, settings(s), context(3000, in100Days));
    expect(later.status).toBe('down');
    expect(codes(later.reasons)).toEqual(['tls_down', 'cert_expired']);
  });

  it('reports the protocol of a server limited to TLS 1.2 (not weak)', async () => {
    const s = await serve(leaf, '127.0.0.1', { maxVersion: 'TLSv1.2' });
    const out = await probe.run(undefined, settings(s), context());
    expect(out.status).toBe('up');
    expect(out.observations.protocol).toBe('TLSv1.2');
    expect(out.observations.cipher?.version).toBe('TLSv1.2');
  });

  it('is degraded when only TLS 1.1 is offered', async () => {
    const s = await serve(leaf, '127.0.0.1', { ...WEAK, maxVersion: 'TLSv1.1' });
    const out = await probe.run(undefined, settings(s), context());
    expect(out.observations.protocol).toBe('TLSv1.1');
    expect(out.status).toBe('degraded');
    expect(out.reasons[1]).toEqual({
      code: 'weak_protocol',
      message: 'negotiated TLSv1.1, older than TLSv1.2',
    });
  });

  it('is degraded on an RSA key under 2048 bits', async () => {
    const weak = await makeLeaf(ca, { key: { kind: 'rsa', bits: 1024 } });
    const s = await serve(weak, '127.0.0.1', WEAK);
    const out = await probe.run(undefined, settings(s), context());
    expect(out.status).toBe('degraded');
    expect(out.observations.leaf?.publicKey).toEqual({ type: 'rsa', bits: 1024 });
    expect(out.reasons[1]).toEqual({
      code: 'weak_key',
      message: 'leaf CN=localhost: RSA key of 1024 bits, fewer than 2048',
    });
  });

  it('is up on an RSA 2048 key', async () => {
    const rsa = await makeLeaf(ca, { key: { kind: 'rsa', bits: 2048 } });
    const s = await serve(rsa);
    const out = await probe.run(undefined, settings(s), context());
    expect(out.status).toBe('up');
    expect(out.observations.leaf?.publicKey).toEqual({ type: 'rsa', bits: 2048 });
  });

  it('is degraded on a SHA-1 signature', async () => {
    const sha1 = await makeLeaf(ca, { hash: 'SHA-1' });
    const s = await serve(sha1, '127.0.0.1', WEAK);
    const out = await probe.run(undefined, settings(s), context());
    expect(out.observations.leaf?.signatureAlgorithm).toBe('ecdsaWithSHA1');
    expect(out.status).toBe('degraded');
    expect(codes(out.reasons)).toEqual(['tls_degraded', 'weak_signature']);
  });

  it('lists every finding, worst first', async () => {
    const bad = await makeLeaf(ca, {
      dns: ['other.test'],
      ips: [],
      hash: 'SHA-1',
      notAfterDays: 2,
    });
    const s = await serve(bad, '127.0.0.1', { ...WEAK, maxVersion: 'TLSv1.1' });
    const out = await probe.run(undefined, settings(s), context());
    expect(out.status).toBe('down');
    expect(codes(out.reasons)).toEqual([
      'tls_down',
      'hostname_mismatch',
      'weak_protocol',
      'weak_signature',
      'expiring_soon',
    ]);
  });

  describe('connections', () => {
    it('an IPv6 check of a server on 127.0.0.1 only never connects over IPv4', async () => {
      const s = await serve(leaf, '127.0.0.1');
      const before = s.connections;
      const none = await probe.run(undefined, settings(s, { family: 6 }), context());
      expect(none.status).toBe('not_tested');
      expect(none.reasons[1]?.code).toBe('no_address');
      const refused = await probe.run(
        undefined,
        settings(s, { family: 6, addresses: ['::1', '127.0.0.1'] }),
        context(),
      );
      expect(refused.status).toBe('down');
      expect(refused.family).toBeNull();
      expect(refused.observations.attempts.map((a) => a.address)).toEqual(['::1']);
      const literal = await probe.run(
        undefined,
        settings(s, { host: '127.0.0.1', addresses: undefined, family: 6 }),
        context(),
      );
      expect(literal.status).toBe('not_tested');
      expect(s.connections).toBe(before);
    });

    it('sends nothing to an address outside the probe scope', async () => {
      const s = await serve(leaf, '::1');
      const out = await probe.run(undefined, settings(s), {
        ...context(),
        scope: ProbeScope.parse('127.0.0.0/8'),
      });
      expect(out.status).toBe('not_tested');
      expect(out.reasons[1]).toEqual({
        code: 'outside_scope',
        message: 'outside probe scope: ::1',
      });
      expect(out.observations.outsideScope).toEqual(['::1']);
      expect(s.connections).toBe(0);
    });

    it('is down, refused, on a closed port', async () => {
      const port = await closedPort();
      const out = await probe.run(undefined, { host: '127.0.0.1', port, family: 4 }, context());
      expect(out.status).toBe('down');
      expect(codes(out.reasons)).toEqual(['tls_down', 'refused']);
    });

    it('is down (tls) when the server does not speak TLS', async () => {
      const plain = await listen(
        httpServer((_q, res) => res.end('plain')),
        '127.0.0.1',
      );
      try {
        const out = await probe.run(
          undefined,
          { host: '127.0.0.1', port: plain.port, family: 4 },
          context(),
        );
        expect(out.status).toBe('down');
        expect(out.reasons[1]?.code).toBe('tls');
      } finally {
        await plain.close();
      }
    });

    it('ends a black-hole target within the timeout and 200 ms, and closes the socket', async () => {
      const hole = await listen(blackHole(), '::1');
      try {
        const started = Date.now();
        const out = await probe.run(
          undefined,
          { host: '::1', port: hole.port, family: 6 },
          context(400),
        );
        expect(Date.now() - started).toBeLessThan(400 + 200);
        expect(out.status).toBe('down');
        expect(out.reasons[1]?.code).toBe('timeout');
        expect(hole.connections).toBe(1);
        await until(() => hole.open.size === 0, 1000, 'the probe to close its socket');
      } finally {
        await hole.close();
      }
    });

    it('leaves no socket or listener behind after 200 handshakes', async () => {
      const s = await serve(leaf);
      const controller = new AbortController();
      const ctx = { signal: controller.signal, now: () => new Date() };
      const count = (k: string) => process.getActiveResourcesInfo().filter((r) => r === k).length;
      const before = { tcp: count('TCPSocketWrap'), timers: count('Timeout') };
      for (let i = 0; i < 200; i++) {
        const out = await probe.run(undefined, settings(s), ctx);
        if (out.status !== 'up') throw new Error(`handshake ${i}: ${JSON.stringify(out.reasons)}`);
      }
      await until(() => s.open.size === 0, 3000, 'server-side sockets to close');
      await until(
        () => count('TCPSocketWrap') <= before.tcp && count('Timeout') <= before.timers,
        3000,
        () =>
          `handles back to ${JSON.stringify(before)}: ${process.getActiveResourcesInfo().join(', ')}`,
      );
    });

    it('throws on settings validation should have caught', async () => {
      await expect(probe.run(undefined, { host: '', family: 4 }, context())).rejects.toThrow(
        /host is empty/,
      );
      await expect(
        probe.run(undefined, { host: 'x', family: 4, port: 70000 }, context()),
      ).rejects.toThrow(/port/);
      await expect(probe.run(undefined, { host: 'x', family: 5 as 4 }, context())).rejects.toThrow(
        /family/,
      );
    });
  });
});
