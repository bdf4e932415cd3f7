import { isIP } from 'node:net';
import { httpRequest } from '../http/request';
import type { Reason } from '../probe';
import type { ProbeScope } from '../scope';
import { deadline, endpoint, tcpConnect } from '../net';

/**
 * Before any IPv6 verdict, the probe host checks its own IPv6 connectivity against an anchor it
 * trusts (internet.nl and RIPE Atlas do the same). Without working IPv6 here, every IPv6
 * verdict is `not_tested`: a target must never be reported down for the probe host's failure.
 */

/** What the probe host tries to reach over IPv6. The address must be an IPv6 literal. */
export type Ipv6Anchor =
  /** A TCP handshake to address:port. */
  | { kind: 'tcp'; address: string; port: number }
  /** An HTTP(S) request to `url`, sent to `address`; any complete HTTP response counts. */
  | {
      kind: 'http';
      url: string;
      address: string;
      ca?: string | Buffer;
      rejectUnauthorized?: boolean;
    };

export interface SelfTestOptions {
  anchor: Ipv6Anchor;
  /** Default 5000 ms. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** An anchor outside the scope is not contacted: the self-test fails, nothing is sent. */
  scope?: ProbeScope;
  now?: () => Date;
}

export interface SelfTestResult {
  /** The probe host reached the anchor over IPv6. */
  ipv6: boolean;
  /** `tcp [::1]:443`, `http https://example/ via [2001:db8::1]`. */
  anchor: string;
  checkedAt: string;
  observations: {
    connectMs?: number;
    httpStatus?: number;
    totalMs?: number;
    error?: { code: string; message: string };
  };
  /** Empty when `ipv6` is true. */
  reasons: Reason[];
}

/** How web and mail readiness get the self-test: run it now, or reuse one (one per cycle). */
export type SelfTestSetting =
  { anchor: Ipv6Anchor; timeoutMs?: number } | { result: SelfTestResult };

function describe(anchor: Ipv6Anchor): string {
  return anchor.kind === 'tcp'
    ? `tcp ${endpoint(anchor.address, anchor.port)}`
    : `http ${anchor.url} via [${anchor.address}]`;
}

/** Throws for an anchor that is not an IPv6 literal: that is a settings error, not an outcome. */
export async function ipv6SelfTest(o: SelfTestOptions): Promise<SelfTestResult> {
  const { anchor } = o;
  if (isIP(anchor.address) !== 6)
    throw new Error(`IPv6 self-test anchor ${anchor.address} is not an IPv6 address`);
  const timeoutMs = o.timeoutMs ?? 5000;
  const checkedAt = (o.now ?? (() => new Date()))().toISOString();
  const description = describe(anchor);
  const failed = (error: { code: string; message: string }): SelfTestResult => ({
    ipv6: false,
    anchor: description,
    checkedAt,
    observations: { error },
    reasons: [
      {
        code: 'probe_host_no_ipv6',
        message: `the probe host could not reach its IPv6 anchor (${description}), so IPv6 was not judged`,
      },
      { code: `self_test_${error.code}`, message: error.message },
    ],
  });
  if (o.scope && !o.scope.allows(anchor.address))
    return failed({
      code: 'out_of_scope',
      message: `the anchor ${anchor.address} is outside the probe scope; nothing sent`,
    });

  if (anchor.kind === 'tcp') {
    const r = await tcpConnect({
      address: anchor.address,
      port: anchor.port,
      timeoutMs,
      signal: o.signal,
    });
    if (!r.ok) return failed(r.error);
    return {
      ipv6: true,
      anchor: description,
      checkedAt,
      observations: { connectMs: r.connectMs },
      reasons: [],
    };
  }

  const d = deadline(timeoutMs, o.signal);
  try {
    const r = await httpRequest({
      url: anchor.url,
      address: anchor.address,
      method: 'GET',
      maxBodyBytes: 4096,
      signal: d.signal,
      ca: anchor.ca,
      rejectUnauthorized: anchor.rejectUnauthorized,
    });
    if (!r.ok) {
      const code = d.timedOut() ? 'timeout' : r.error.code;
      return failed({ code, message: `HTTP to ${description}: ${r.error.message}` });
    }
    return {
      ipv6: true,
      anchor: description,
      checkedAt,
      observations: {
        connectMs: r.response.timings.connectMs,
        httpStatus: r.response.status,
        totalMs: r.response.timings.totalMs,
      },
      reasons: [],
    };
  } finally {
    d.cleanup();
  }
}

/** The self-test result a readiness check uses: the one given, or a fresh one. */
export async function resolveSelfTest(
  setting: SelfTestSetting,
  signal: AbortSignal,
  scope?: ProbeScope,
  now?: () => Date,
): Promise<SelfTestResult> {
  if ('result' in setting) return setting.result;
  return ipv6SelfTest({ ...setting, signal, scope, now });
}
