import { isIP, LookupFunction } from 'node:net';
import {
  checkServerIdentity,
  connect,
  DEFAULT_CIPHERS,
  DetailedPeerCertificate,
  PeerCertificate,
  TLSSocket,
} from 'node:tls';
import {
  judgeFindings,
  type AddressFamily,
  type Probe,
  type ProbeContext,
  type ProbeOutcome,
  type ProbeStatus,
  type Reason,
} from '../probe';
import { inScope, OUTSIDE_SCOPE } from '../run';
import { AddressResolver, candidateAddresses, dnsResolver, familyName } from '../http/addresses';
import {
  abortCode,
  abortMessage,
  addressFamily,
  authorizationErrorText,
  classifyError,
  HttpRequestErrorCode,
} from '../http/request';
import { CertificateFacts, DAY_MS, describeCertificate } from './certificate';

export interface TlsProbeSettings {
  /** The server's name: sent as SNI (unless an IP literal) and matched against the certificate. */
  host: string;
  /** Default 443. */
  port?: number;
  /** The one address family to use; a dual-stack check runs the probe once per family. */
  family: AddressFamily;
  /** Addresses of `host`, resolved by the caller; those of the other family are ignored. */
  addresses?: string[];
  /** PEM bundle to trust instead of the default (Node's bundled Mozilla) root store. */
  ca?: string | Buffer;
  /** A certificate expiring within this many days is degraded. Default 14. */
  warnDays?: number;
}

export interface TlsObservations {
  host: string;
  port: number;
  family: AddressFamily;
  addresses: string[];
  /** Candidate addresses skipped because they are outside the probe scope (nothing sent). */
  outsideScope: string[];
  /** The address that completed the handshake. */
  address: string | null;
  attempts: { address: string; error: { code: HttpRequestErrorCode; message: string } }[];
  /** Start to TCP connected. */
  connectMs?: number;
  /** TCP connected to TLS established. */
  handshakeMs?: number;
  protocol: string | null;
  cipher: { name: string; standardName: string; version: string } | null;
  alpnProtocol: string | null;
  trustStore: 'default' | 'ca';
  /** The chain verifies against the trust store (OpenSSL's verdict, dates included). */
  chainValid: boolean | null;
  chainError?: string;
  hostnameMatch: boolean | null;
  hostnameError?: string;
  /** Leaf first, then each issuer as sent (and completed from the trust store). */
  chain: CertificateFacts[];
  leaf: CertificateFacts | null;
  /** The leaf's days to expiry. */
  daysToExpiry: number | null;
  /** The certificate in the chain that expires first. */
  earliestExpiry: { subject: string; notAfter: string; daysToExpiry: number } | null;
}

export interface TlsProbeOptions {
  resolver?: AddressResolver;
}

export class TlsSettingsError extends Error {
  constructor(message: string) {
    super(`tls probe settings: ${message}`);
    this.name = 'TlsSettingsError';
  }
}

const WEAK_PROTOCOLS = new Set(['SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.1']);
const WEAK_HASHES = new Set(['md5', 'sha1']);
const MIN_RSA_BITS = 2048;
const round = (ms: number) => Math.round(ms * 1000) / 1000;

type Handshake =
  | {
      ok: true;
      connectMs: number;
      handshakeMs: number;
      protocol: string | null;
      cipher: { name: string; standardName: string; version: string };
      alpnProtocol: string | null;
      authorized: boolean;
      authorizationError?: string;
      peer: PeerCertificate | null;
      chain: Buffer[];
    }
  | { ok: false; error: { code: HttpRequestErrorCode; message: string } };

/**
 * One TLS handshake to one address. It accepts whatever the server offers (TLS 1.0 up,
 * OpenSSL security level 0, no verification) so that a weak or invalid server is described
 * rather than just refused; the probe judges afterwards. No application data is sent.
 */
export function tlsHandshake(o: {
  address: string;
  port: number;
  servername?: string;
  ca?: string | Buffer;
  signal: AbortSignal;
}): Promise<Handshake> {
  const family = addressFamily(o.address);
  if (family === null)
    return Promise.resolve({
      ok: false,
      error: { code: 'bad_target', message: `"${o.address}" is not an IPv4 or IPv6 address` },
    });
  if (o.signal.aborted)
    return Promise.resolve({
      ok: false,
      error: { code: abortCode(o.signal), message: abortMessage(o.signal) },
    });
  return new Promise<Handshake>((resolve) => {
    const start = performance.now();
    const stage = { tls: true, connected: false, secure: false };
    let connectMs = 0;
    let settled = false;
    const lookup: LookupFunction = (_h, options, callback) => {
      if (options.all) callback(null, [{ address: o.address, family }]);
      else callback(null, o.address, family);
    };
    const socket: TLSSocket = connect({
      host: o.address,
      port: o.port,
      lookup,
      ...(o.servername ? { servername: o.servername } : {}),
      ...(o.ca !== undefined ? { ca: o.ca } : {}),
      rejectUnauthorized: false,
      // The chain verdict stays OpenSSL's; the name is checked by the probe, separately.
      checkServerIdentity: () => undefined,
      minVersion: 'TLSv1',
      ciphers: `${DEFAULT_CIPHERS}:@SECLEVEL=0`,
    });
    const finish = (result: Handshake) => {
      if (settled) return;
      settled = true;
      o.signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(result);
    };
    const onAbort = () =>
      finish({ ok: false, error: { code: abortCode(o.signal), message: abortMessage(o.signal) } });
    o.signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      stage.connected = true;
      connectMs = performance.now() - start;
    });
    socket.once('secureConnect', () => {
      stage.secure = true;
      const handshakeMs = performance.now() - start - connectMs;
      const cipher = socket.getCipher();
      const detailed = socket.getPeerCertificate(true);
      const chain: Buffer[] = [];
      const seen = new Set<string>();
      let c: DetailedPeerCertificate | undefined = detailed;
      while (c?.raw && !seen.has(c.fingerprint256)) {
        seen.add(c.fingerprint256);
        chain.push(c.raw);
        c = c.issuerCertificate;
      }
      const alpn = socket.alpnProtocol;
      const result: Handshake = {
        ok: true,
        connectMs: round(connectMs),
        handshakeMs: round(handshakeMs),
        protocol: socket.getProtocol(),
        cipher: {
          name: cipher.name,
          standardName: cipher.standardName ?? cipher.name,
          version: cipher.version,
        },
        alpnProtocol: typeof alpn === 'string' ? alpn : null,
        authorized: socket.authorized,
        peer: detailed.raw ? detailed : null,
        chain,
      };
      const error = authorizationErrorText(socket.authorizationError);
      if (!socket.authorized && error) result.authorizationError = error;
      finish(result);
    });
    socket.on('error', (err) => finish({ ok: false, error: classifyError(err, stage) }));
    socket.once('close', () =>
      finish({
        ok: false,
        error: {
          code: stage.connected ? 'tls' : 'refused',
          message: 'connection closed during the handshake',
        },
      }),
    );
  });
}

/**
 * The TLS probe: handshake over one address family, then judge the certificate chain, the
 * host name, expiry and weak settings. Statuses: down (no handshake, untrusted chain, name
 * mismatch, expired or not yet valid), degraded (TLS < 1.2, RSA key < 2048 bits, SHA-1/MD5
 * signature, expiring within `warnDays`), not_tested (no address of that family).
 */
export class TlsProbe implements Probe<unknown, TlsProbeSettings, TlsObservations> {
  readonly kind = 'tls';
  private readonly resolver: AddressResolver;

  constructor(options: TlsProbeOptions = {}) {
    this.resolver = options.resolver ?? dnsResolver();
  }

  async run(
    _target: unknown,
    settings: TlsProbeSettings,
    context: ProbeContext,
  ): Promise<ProbeOutcome<TlsObservations>> {
    const host = validate(settings);
    const port = settings.port ?? 443;
    const warnDays = settings.warnDays ?? 14;
    const obs: TlsObservations = {
      host,
      port,
      family: settings.family,
      addresses: [],
      outsideScope: [],
      address: null,
      attempts: [],
      protocol: null,
      cipher: null,
      alpnProtocol: null,
      trustStore: settings.ca !== undefined ? 'ca' : 'default',
      chainValid: null,
      hostnameMatch: null,
      chain: [],
      leaf: null,
      daysToExpiry: null,
      earliestExpiry: null,
    };
    const findings: { status: ProbeStatus; reason: Reason }[] = [];
    const note = (status: ProbeStatus, code: string, message: string) =>
      findings.push({ status, reason: { code, message } });
    let answered = false;

    const c = await candidateAddresses(
      host.toLowerCase(),
      settings.family,
      settings.addresses,
      this.resolver,
      context.signal,
    );
    if (!c.ok) {
      note(c.code === 'no_address' ? 'not_tested' : 'down', c.code, c.message);
    } else {
      obs.addresses = c.addresses;
      // The probe scope: nothing is ever sent to an address outside it.
      const allowed = c.addresses.filter((a) => inScope(context, a, port));
      obs.outsideScope = c.addresses.filter((a) => !allowed.includes(a));
      if (allowed.length === 0)
        note(
          'not_tested',
          OUTSIDE_SCOPE.code,
          `${OUTSIDE_SCOPE.message}: ${c.addresses.join(', ')}`,
        );
      let hs: Handshake | undefined;
      for (const address of allowed) {
        hs = await tlsHandshake({
          address,
          port,
          servername: isIP(host) ? undefined : host,
          ca: settings.ca,
          signal: context.signal,
        });
        if (hs.ok) {
          obs.address = address;
          break;
        }
        obs.attempts.push({ address, error: hs.error });
        if (hs.error.code !== 'refused' || context.signal.aborted) break;
      }
      if (hs && !hs.ok) {
        const last = obs.attempts[obs.attempts.length - 1];
        note('down', hs.error.code, `${last?.address ?? ''} port ${port}: ${hs.error.message}`);
      } else if (hs?.ok) {
        answered = true;
        this.judge(host, hs, obs, warnDays, context.now(), note);
        if (obs.attempts.length > 0)
          note(
            'degraded',
            'address_failed',
            `handshake with ${obs.address} after ${obs.attempts.map((a) => `${a.address} (${a.error.code})`).join(', ')} failed`,
          );
      }
    }

    const what = `TLS to ${host} port ${port} over ${familyName(settings.family)}`;
    const { status, reasons } = judgeFindings(findings, {
      down: { code: 'tls_down', message: `${what} failed` },
      degraded: { code: 'tls_degraded', message: `${what} has weak or expiring settings` },
      not_tested: { code: 'tls_not_tested', message: `${what} not tested` },
    });
    return { status, family: answered ? settings.family : null, observations: obs, reasons };
  }

  private judge(
    host: string,
    hs: Extract<Handshake, { ok: true }>,
    obs: TlsObservations,
    warnDays: number,
    now: Date,
    note: (status: ProbeStatus, code: string, message: string) => void,
  ): void {
    obs.connectMs = hs.connectMs;
    obs.handshakeMs = hs.handshakeMs;
    obs.protocol = hs.protocol;
    obs.cipher = hs.cipher;
    obs.alpnProtocol = hs.alpnProtocol;
    obs.chainValid = hs.authorized;
    if (hs.authorizationError) obs.chainError = hs.authorizationError;
    obs.chain = hs.chain.map((der) => describeCertificate(der, now));
    obs.leaf = obs.chain[0] ?? null;

    if (!hs.authorized)
      note(
        'down',
        'chain_invalid',
        `certificate chain not trusted: ${hs.authorizationError ?? 'unknown error'}`,
      );
    if (hs.peer) {
      const mismatch = checkServerIdentity(host, hs.peer);
      obs.hostnameMatch = mismatch === undefined;
      if (mismatch) {
        obs.hostnameError = mismatch.message;
        note('down', 'hostname_mismatch', mismatch.message);
      }
    } else {
      obs.hostnameMatch = false;
      note('down', 'no_certificate', 'the server sent no certificate');
    }
    if (hs.protocol && WEAK_PROTOCOLS.has(hs.protocol))
      note('degraded', 'weak_protocol', `negotiated ${hs.protocol}, older than TLSv1.2`);

    const leaf = obs.leaf;
    if (!leaf) return;
    obs.daysToExpiry = leaf.daysToExpiry;
    const earliest = obs.chain.reduce((a, b) => (b.notAfter < a.notAfter ? b : a));
    obs.earliestExpiry = {
      subject: earliest.subject,
      notAfter: earliest.notAfter,
      daysToExpiry: earliest.daysToExpiry,
    };

    obs.chain.forEach((cert, i) => {
      const which = i === 0 ? `leaf ${cert.subject}` : `issuer ${cert.subject}`;
      // A self-signed issuer is a trust anchor: its own dates and signature are the store's business.
      const anchor = i > 0 && cert.selfSigned;
      const bits = cert.publicKey.bits;
      if (
        (cert.publicKey.type === 'rsa' || cert.publicKey.type === 'rsa-pss') &&
        bits !== undefined &&
        bits < MIN_RSA_BITS
      )
        note(
          'degraded',
          'weak_key',
          `${which}: RSA key of ${bits} bits, fewer than ${MIN_RSA_BITS}`,
        );
      if (anchor) return;
      if (cert.signatureHash && WEAK_HASHES.has(cert.signatureHash))
        note('degraded', 'weak_signature', `${which}: signed with ${cert.signatureAlgorithm}`);
      const notAfter = Date.parse(cert.notAfter);
      const notBefore = Date.parse(cert.notBefore);
      if (notAfter <= now.getTime())
        note(
          'down',
          'cert_expired',
          `${which} expired on ${cert.notAfter} (${Math.floor((now.getTime() - notAfter) / DAY_MS)} days ago)`,
        );
      else if (notBefore > now.getTime())
        note('down', 'cert_not_yet_valid', `${which} is valid only from ${cert.notBefore}`);
      else if (notAfter - now.getTime() < warnDays * DAY_MS)
        note(
          'degraded',
          'expiring_soon',
          `${which} expires on ${cert.notAfter}, in ${cert.daysToExpiry} days (warning at ${warnDays})`,
        );
    });
  }
}

function validate(s: TlsProbeSettings): string {
  const host = (s.host ?? '').replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new TlsSettingsError('host is empty');
  if (s.family !== 4 && s.family !== 6)
    throw new TlsSettingsError(`family must be 4 or 6, got ${String(s.family)}`);
  if (s.port !== undefined && (!Number.isInteger(s.port) || s.port < 1 || s.port > 65535))
    throw new TlsSettingsError(`port must be 1-65535, got ${s.port}`);
  if (s.warnDays !== undefined && !(s.warnDays >= 0))
    throw new TlsSettingsError(`warnDays must be ≥ 0, got ${s.warnDays}`);
  for (const a of s.addresses ?? [])
    if (addressFamily(a) === null && !/^::ffff:/i.test(a))
      throw new TlsSettingsError(`address "${a}" is not an IP address`);
  return host;
}
