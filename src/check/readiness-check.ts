import { readFileSync } from 'node:fs';
import { ServerLookup } from '../../probes/dns/lookup';
import { UdpTcpTransport } from '../../probes/dns/transport';
import { checkMailReadiness, MailReadinessResult } from '../../probes/ipv6/mail-readiness';
import { Ipv6Anchor } from '../../probes/ipv6/self-test';
import { FamilyVerdict } from '../../probes/ipv6/verdict';
import { checkWebReadiness, WebReadinessResult } from '../../probes/ipv6/web-readiness';
import { parseScope, parseServer, resolverFor, UsageError } from './dns-check';

/**
 * Where the probe host proves its own IPv6 before judging anyone's: a TCP handshake to a
 * well-known IPv6 service (Google Public DNS over TCP). Tests and closed networks pass
 * `--ipv6-anchor` (or NETWATCH_IPV6_ANCHOR); without IPv6 the IPv6 verdicts are not_tested.
 */
export const DEFAULT_IPV6_ANCHOR = '[2001:4860:4860::8888]:53';

export interface ReadinessOptions {
  server?: string;
  scope?: string;
  ipv6Anchor?: string;
  timeoutMs?: number;
  ca?: string;
}

/** The shape `check web` and `check mail` print: one object per family, never one merged verdict. */
export interface FamilySummary {
  status: 'up' | 'degraded' | 'down' | 'not_tested';
  addresses: string[];
  reasons: string[];
}

export function summarize(v: FamilyVerdict<object>): FamilySummary {
  return { status: v.status, addresses: v.addresses, reasons: v.reasons.map((r) => r.message) };
}

function anchor(text: string): Ipv6Anchor {
  const server = parseServer(text);
  if (!server.address.includes(':'))
    throw new UsageError(`--ipv6-anchor must be an IPv6 address ([v6]:PORT), got "${text}"`);
  return { kind: 'tcp', address: server.address, port: server.port };
}

function setup(o: ReadinessOptions) {
  const scope = parseScope(o.scope);
  const lookup = new ServerLookup(new UdpTcpTransport(), resolverFor(o.server, scope), {
    timeoutMs: o.timeoutMs ?? 5000,
  });
  let ca: Buffer | undefined;
  if (o.ca) {
    try {
      ca = readFileSync(o.ca);
    } catch (err) {
      throw new UsageError(`cannot read --ca ${o.ca}: ${(err as Error).message}`);
    }
  }
  const selfTest = {
    anchor: anchor(o.ipv6Anchor ?? process.env.NETWATCH_IPV6_ANCHOR ?? DEFAULT_IPV6_ANCHOR),
    timeoutMs: o.timeoutMs,
  };
  return {
    scope,
    lookup,
    ca,
    selfTest,
    context: { signal: new AbortController().signal, now: () => new Date(), scope },
  };
}

const port = (n: number | undefined, fallback: number) => n ?? fallback;

export interface WebCheckReport {
  host: string;
  ipv4: FamilySummary;
  ipv6: FamilySummary;
  grid: WebReadinessResult['grid'];
  comparison: { status: string; reason?: string };
  selfTest: { ipv6: boolean; anchor: string };
  details: WebReadinessResult;
}

export async function runWebCheck(
  host: string,
  o: ReadinessOptions & { port?: number; httpsPort?: number },
): Promise<WebCheckReport> {
  const s = setup(o);
  const result = await checkWebReadiness(
    host,
    {
      lookup: s.lookup,
      selfTest: s.selfTest,
      ports: [
        { port: port(o.port, 80), scheme: 'http' },
        { port: port(o.httpsPort, 443), scheme: 'https' },
      ],
      timeoutMs: o.timeoutMs,
      ca: s.ca,
      scope: s.scope,
    },
    s.context,
  );
  return {
    host: result.host,
    ipv4: summarize(result.ipv4),
    ipv6: summarize(result.ipv6),
    grid: result.grid,
    comparison: { status: result.comparison.status, reason: result.comparison.reason },
    selfTest: { ipv6: result.selfTest.ipv6, anchor: result.selfTest.anchor },
    details: result,
  };
}

export interface MailCheckReport {
  domain: string;
  acceptsMail: boolean | null;
  mx: string[];
  ipv4: FamilySummary;
  ipv6: FamilySummary;
  grid: MailReadinessResult['grid'];
  selfTest: { ipv6: boolean; anchor: string };
  details: MailReadinessResult;
}

export async function runMailCheck(
  domain: string,
  o: ReadinessOptions & { smtpPort?: number },
): Promise<MailCheckReport> {
  const s = setup(o);
  const result = await checkMailReadiness(
    domain,
    {
      lookup: s.lookup,
      selfTest: s.selfTest,
      port: port(o.smtpPort, 25),
      timeoutMs: o.timeoutMs,
      scope: s.scope,
    },
    s.context,
  );
  return {
    domain: result.domain,
    acceptsMail: result.acceptsMail,
    mx: result.mx.records.map((r) => `${r.preference} ${r.exchange}`),
    ipv4: summarize(result.ipv4),
    ipv6: summarize(result.ipv6),
    grid: result.grid,
    selfTest: { ipv6: result.selfTest.ipv6, anchor: result.selfTest.anchor },
    details: result,
  };
}

/** Exit code for web and mail: 1 when a family is down, else 0 (degraded and not_tested are reported, not failed). */
export function readinessExitCode(
  ...reports: { ipv4: FamilySummary; ipv6: FamilySummary }[]
): number {
  return reports.some((r) => r.ipv4.status === 'down' || r.ipv6.status === 'down') ? 1 : 0;
}
