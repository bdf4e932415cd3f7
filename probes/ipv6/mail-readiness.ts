import * as dnsPacket from 'dns-packet';
import type { DnsLookup } from '../dns/dnssec/validator';
import { fqdn, normalizeName } from '../dns/message';
import type { AddressFamily, ProbeContext, Reason } from '../probe';
import type { ProbeScope } from '../scope';
import { readSmtpBanner, type SmtpBannerResult } from '../smtp/smtp-banner';
import { lookupAddresses, type AddressLookup, type IgnoredAddress } from './addresses';
import { endpoint } from '../net';
import { resolveSelfTest, type SelfTestResult, type SelfTestSetting } from './self-test';
import {
  grid,
  verdict,
  type AssignedOperational,
  type FamilyVerdict,
  type Finding,
} from './verdict';

/**
 * IPv6 readiness of a mail domain (internet.nl mx_aaaa and mx_reach), with the IPv4 side judged
 * the same way so that a dual-stack domain gets two verdicts:
 * the MX set (through the given lookup), the A and AAAA of every MX host, and an SMTP `220`
 * greeting on every address of each family. See probes/ipv6/README.md.
 */

export interface MailReadinessSettings {
  /** Every DNS question goes here (the CLI's `--server`, or the configured resolver). */
  lookup: DnsLookup;
  /** The probe host's own IPv6 check: an anchor to test now, or a result to reuse. */
  selfTest: SelfTestSetting;
  /** SMTP port (default 25). */
  port?: number;
  /** Per address: connect plus greeting (default 10000 ms). */
  timeoutMs?: number;
  /** Addresses outside the scope are `not_tested`; nothing is sent to them. */
  scope?: ProbeScope;
}

export interface MxHostObservation {
  name: string;
  /** Outcome of this family's address lookup for the host. */
  lookup: AddressLookup['result'];
  error?: string;
  cnames: string[];
  addresses: string[];
  /** Records of the type that do not count (IPv4-mapped AAAA, NAT64...). */
  ignored: IgnoredAddress[];
}

export interface SmtpAddressObservation {
  address: string;
  port: number;
  /** The MX hosts that have this address. */
  mxHosts: string[];
  status: 'up' | 'down' | 'not_tested';
  /** Greeting lines (up), or the reply code that was not 220. */
  lines?: string[];
  replyCode?: number;
  quitReply?: number | null;
  error?: { code: string; message: string; phase: string };
  received?: string;
  timings?: { connectMs?: number; greetingMs?: number; totalMs: number };
}

export interface MailFamilyObservations {
  mxHosts: MxHostObservation[];
  smtp: SmtpAddressObservation[];
}

export interface MxObservation {
  result: 'ok' | 'nxdomain' | 'error';
  error?: string;
  /** The MX records, lowest preference first (`.` for a null MX). */
  records: { preference: number; exchange: string }[];
  /** RFC 7505: a single `0 .` MX means the domain accepts no mail. */
  nullMx: boolean;
  /** No MX: the domain itself is the mail host (RFC 5321 §5.1). */
  implicit: boolean;
}

export interface MailReadinessResult {
  kind: 'mail-readiness';
  domain: string;
  checkedAt: string;
  mx: MxObservation;
  /** false: null MX, or no MX and no address; null: the MX lookup failed. */
  acceptsMail: boolean | null;
  selfTest: SelfTestResult;
  ipv4: FamilyVerdict<MailFamilyObservations>;
  ipv6: FamilyVerdict<MailFamilyObservations>;
  /** assigned: every MX host has an AAAA; operational: IPv6 mail verdict up. */
  grid: AssignedOperational;
}

interface MxLookup {
  mx: MxObservation;
  hosts: string[];
}

async function lookupMx(lookup: DnsLookup, domain: string): Promise<MxLookup> {
  const empty = { records: [], nullMx: false, implicit: false };
  const res = await lookup.query(domain, 'MX');
  if (!res.ok) return { mx: { result: 'error', error: res.error, ...empty }, hosts: [] };
  const message = res.message;
  if (message.rcode === 'NXDOMAIN')
    return {
      mx: { result: 'nxdomain', error: `${fqdn(domain)} does not exist (NXDOMAIN)`, ...empty },
      hosts: [],
    };
  if (message.rcode !== 'NOERROR')
    return {
      mx: { result: 'error', error: `MX query for ${fqdn(domain)}: ${message.rcode}`, ...empty },
      hosts: [],
    };
  // A mail domain that is a CNAME (tolerated by most MTAs): its target's MX set counts.
  let owner = domain;
  const seen = new Set([owner]);
  for (;;) {
    const cname = message.answers.find(
      (r) => r.type === 'CNAME' && normalizeName(r.name) === owner,
    );
    if (!cname || seen.has(normalizeName(String(cname.data)))) break;
    owner = normalizeName(String(cname.data));
    seen.add(owner);
  }
  const records = message.answers
    .filter((r): r is dnsPacket.MxAnswer => r.type === 'MX' && normalizeName(r.name) === owner)
    .map((r) => ({
      preference: r.data.preference ?? 0,
      exchange: normalizeName(r.data.exchange || '.'),
    }))
    .sort((a, b) => a.preference - b.preference || a.exchange.localeCompare(b.exchange));
  const real = records.filter((r) => r.exchange !== '.');
  const nullMx = records.length > 0 && real.length === 0;
  const implicit = records.length === 0;
  const hosts = implicit ? [domain] : [...new Set(real.map((r) => r.exchange))];
  return {
    mx: {
      result: 'ok',
      records: records.map((r) => ({ ...r, exchange: fqdn(r.exchange) })),
      nullMx,
      implicit,
    },
    hosts: nullMx ? [] : hosts,
  };
}

interface HostAddresses {
  name: string;
  a: AddressLookup;
  aaaa: AddressLookup;
}

function bannerObservation(r: SmtpBannerResult, mxHosts: string[]): SmtpAddressObservation {
  const base = { address: r.address, port: r.port, mxHosts, timings: r.timings };
  if (r.ok) return { ...base, status: 'up', lines: r.lines, quitReply: r.quitReply };
  const notTested = r.error.code === 'out_of_scope' || r.error.code === 'aborted';
  return {
    ...base,
    status: notTested ? 'not_tested' : 'down',
    error: r.error,
    ...(r.replyCode !== undefined ? { replyCode: r.replyCode } : {}),
    ...(r.received !== undefined ? { received: r.received } : {}),
  };
}

export async function checkMailReadiness(
  domainName: string,
  settings: MailReadinessSettings,
  context: ProbeContext,
): Promise<MailReadinessResult> {
  const domain = normalizeName(domainName);
  const port = settings.port ?? 25;
  const timeoutMs = settings.timeoutMs ?? 10_000;
  const checkedAt = context.now().toISOString();

  const gatherDns = async (): Promise<{ mx: MxObservation; hosts: HostAddresses[] }> => {
    const { mx, hosts } = await lookupMx(settings.lookup, domain);
    const resolved = await Promise.all(
      hosts.map(async (name) => {
        const [a, aaaa] = await Promise.all([
          lookupAddresses(settings.lookup, name, 'A'),
          lookupAddresses(settings.lookup, name, 'AAAA'),
        ]);
        return { name, a, aaaa };
      }),
    );
    return { mx, hosts: resolved };
  };
  const [selfTest, dns] = await Promise.all([
    resolveSelfTest(settings.selfTest, context.signal, settings.scope, () => context.now()),
    gatherDns(),
  ]);
  const { mx, hosts } = dns;
  const d = fqdn(domain);

  const emptyObservations = (): MailFamilyObservations => ({ mxHosts: [], smtp: [] });
  const fixed = (
    status: 'down' | 'not_tested',
    reason: Reason,
    acceptsMail: boolean | null,
    assigned: boolean | null,
  ): MailReadinessResult => {
    // Without IPv6 on the probe host, IPv6 is never judged down (DNS facts stay in the reasons).
    const one = (family: AddressFamily): FamilyVerdict<MailFamilyObservations> => {
      const untestable = family === 6 && !selfTest.ipv6 && status === 'down';
      return {
        status: untestable ? 'not_tested' : status,
        family: null,
        addresses: [],
        observations: emptyObservations(),
        reasons: untestable ? [...selfTest.reasons, reason] : [reason],
      };
    };
    const ipv6 = one(6);
    return {
      kind: 'mail-readiness',
      domain: d,
      checkedAt,
      mx,
      acceptsMail,
      selfTest,
      ipv4: one(4),
      ipv6,
      grid: grid(assigned, ipv6.status),
    };
  };

  if (mx.result === 'nxdomain')
    return fixed('down', { code: 'domain_not_found', message: mx.error ?? '' }, false, false);
  if (mx.result === 'error')
    return fixed(
      'down',
      { code: 'mx_lookup_failed', message: `MX lookup for ${d} failed: ${mx.error}` },
      null,
      false,
    );
  if (mx.nullMx)
    return fixed(
      'not_tested',
      {
        code: 'null_mx',
        message: `${d} does not accept mail (null MX "0 .", RFC 7505): nothing to test`,
      },
      false,
      null,
    );
  if (mx.implicit && hosts.every((h) => h.a.addresses.length + h.aaaa.addresses.length === 0))
    return fixed(
      'not_tested',
      {
        code: 'no_mx',
        message: `${d} does not accept mail (no MX record and no address): nothing to test`,
      },
      false,
      null,
    );

  const judge = async (family: AddressFamily): Promise<FamilyVerdict<MailFamilyObservations>> => {
    const type = family === 6 ? 'AAAA' : 'A';
    const findings: Finding[] = [];
    const mxHosts: MxHostObservation[] = [];
    const hostsOf = new Map<string, string[]>();
    for (const host of hosts) {
      const l = family === 6 ? host.aaaa : host.a;
      const name = fqdn(host.name);
      mxHosts.push({
        name,
        lookup: l.result,
        ...(l.error ? { error: l.error } : {}),
        cnames: l.cnames.map(fqdn),
        addresses: l.addresses,
        ignored: l.ignored,
      });
      if (l.result === 'error')
        findings.push({
          severity: 'down',
          reason: {
            code: 'mx_dns_error',
            message: `${type} lookup for ${name} failed: ${l.error}`,
          },
        });
      else if (l.result === 'nxdomain')
        findings.push({
          severity: 'down',
          reason: { code: 'mx_host_not_found', message: `MX host ${name} does not exist` },
        });
      else if (l.addresses.length === 0) {
        const ignored = l.ignored.map((i) => `${i.address} (${i.reason})`).join(', ');
        findings.push({
          severity: 'down',
          reason: {
            code: family === 6 ? 'mx_without_aaaa' : 'mx_without_a',
            message:
              `MX host ${name} has no ${type} record` +
              (ignored ? `; not counted: ${ignored}` : ''),
          },
        });
      }
      for (const address of l.addresses)
        hostsOf.set(address, [...(hostsOf.get(address) ?? []), name]);
    }
    const addresses = [...hostsOf.keys()];
    const untestable = family === 6 && !selfTest.ipv6;
    let smtp: SmtpAddressObservation[] = [];
    if (!untestable) {
      const results = await Promise.all(
        addresses.map((address) =>
          readSmtpBanner({
            address,
            port,
            timeoutMs,
            signal: context.signal,
            scope: settings.scope,
          }),
        ),
      );
      smtp = results.map((r) => bannerObservation(r, hostsOf.get(r.address) ?? []));
      for (const s of smtp) {
        if (s.status === 'up' || !s.error) continue;
        const where = `${s.mxHosts.join(', ')} ${endpoint(s.address, s.port)}`;
        findings.push({
          severity: s.status,
          reason: {
            code: s.error.code === 'out_of_scope' ? 'address_out_of_scope' : `smtp_${s.error.code}`,
            message: `${where}: ${s.error.message}`,
          },
        });
      }
    }
    const label = family === 6 ? 'IPv6' : 'IPv4';
    // The family answered when any address sent an SMTP reply, even a wrong one.
    const answered = smtp.some((s) => s.status === 'up' || s.replyCode !== undefined);
    return verdict({
      findings: untestable
        ? [
            ...selfTest.reasons.map((reason): Finding => ({ severity: 'not_tested', reason })),
            ...findings,
          ]
        : findings,
      override: untestable ? 'not_tested' : undefined,
      summaries: {
        down: {
          code: `${label.toLowerCase()}_mail_not_ready`,
          message: `mail for ${d} is not reachable over ${label} on every MX (SMTP 220 on port ${port})`,
        },
        not_tested: {
          code: `${label.toLowerCase()}_mail_not_tested`,
          message: `${label} mail for ${d} was not (fully) tested`,
        },
      },
      family: answered ? family : null,
      addresses,
      observations: { mxHosts, smtp },
    });
  };

  const [ipv4, ipv6] = await Promise.all([judge(4), judge(6)]);
  const assigned = hosts.every((h) => h.aaaa.addresses.length > 0);
  return {
    kind: 'mail-readiness',
    domain: d,
    checkedAt,
    mx,
    acceptsMail: true,
    selfTest,
    ipv4,
    ipv6,
    grid: grid(assigned, ipv6.status),
  };
}
