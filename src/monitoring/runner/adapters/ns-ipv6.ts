import { checkNameServers, type NameServerReport } from '../../../../probes/dns/nameservers';
import { judgeFindings, type Finding } from '../../../../probes/probe';
import { optNumber, requireTargetString } from '../settings';
import { outcome, resolverOutsideScope, runLookup } from './resolve';
import type { Adapter, RunnerDeps } from './types';

/**
 * The verdict on a zone's name servers (internet.nl ns_aaaa + ns_reach, Zonemaster
 * DELEGATION01 / CONNECTIVITY01-02):
 * - up: at least two NS have an IPv6 address, and every tested address (both families) answers
 *   authoritatively over UDP and TCP, with one SOA serial and one DNSKEY set;
 * - down: the NS set cannot be read or is empty; no NS has IPv6; or no IPv6 address answers
 *   (over UDP or TCP) at all;
 * - degraded: only one NS has IPv6; only one NS; some IPv6 addresses fail while others answer;
 *   an IPv4 address fails; a lame server; servers disagree on the SOA serial or DNSKEY set;
 * - not_tested: IPv6 addresses outside the probe scope; or IPv6 failures while the probe host's
 *   own IPv6 self-test fails (the failure may be ours: never reported as the zone's).
 */
export async function judgeNameServers(
  report: NameServerReport,
  nsQueryFailed: boolean,
  deps: Pick<RunnerDeps, 'selfTest'>,
): Promise<{ status: ReturnType<typeof judgeFindings>['status']; reasons: Finding['reason'][] }> {
  const zone = report.zone;
  const findings: Finding[] = [];
  const note = (status: Finding['status'], code: string, message: string) =>
    findings.push({ status, reason: { code, message } });
  const names = report.nameServers.length;
  if (nsQueryFailed)
    note('down', 'ns_lookup_failed', report.problems[0] ?? `NS query for ${zone} failed`);
  else if (names === 0) note('down', 'no_ns', `${zone} has no NS records`);
  else {
    const withV6 = report.ipv6.nameServersWithIpv6;
    if (withV6 === 0) note('down', 'ns_no_ipv6', `no name server of ${zone} has an IPv6 address`);
    else if (withV6 === 1)
      note(
        'degraded',
        'ns_ipv6_single',
        `only 1 name server of ${zone} has an IPv6 address (at least 2 needed)`,
      );
    if (names === 1)
      note('degraded', 'ns_single', `${zone} has only one name server (at least 2 needed)`);

    const all = report.nameServers.flatMap((n) => n.addresses);
    const answers = (a: (typeof all)[number]) => !!a.udp?.ok && !!a.tcp?.ok;
    const v6 = all.filter((a) => a.family === 6);
    const v6Tested = v6.filter((a) => !a.notTested);
    const v6Failed = v6Tested.filter((a) => !answers(a));
    const v6Outside = v6.filter((a) => a.notTested);
    if (v6Failed.length > 0) {
      const self = await deps.selfTest();
      const list = v6Failed.map((a) => a.address).join(', ');
      if (!self.ipv6)
        note(
          'not_tested',
          'probe_host_no_ipv6',
          `IPv6 name server addresses did not answer (${list}), but the probe host has no working IPv6 itself`,
        );
      else if (v6Failed.length === v6Tested.length)
        note(
          'down',
          'ns_ipv6_unreachable',
          `no IPv6 name server address of ${zone} answers over UDP and TCP: ${list}`,
        );
      else
        note(
          'degraded',
          'ns_ipv6_partial',
          `IPv6 name server addresses of ${zone} fail over UDP or TCP: ${list}`,
        );
    }
    if (v6Outside.length > 0)
      note(
        'not_tested',
        'outside_scope',
        `outside probe scope: ${v6Outside.map((a) => a.address).join(', ')}`,
      );
    const v4Failed = all.filter((a) => a.family === 4 && !a.notTested && !answers(a));
    if (v4Failed.length > 0)
      note(
        'degraded',
        'ns_ipv4_unreachable',
        `IPv4 name server addresses of ${zone} fail over UDP or TCP: ${v4Failed.map((a) => a.address).join(', ')}`,
      );
    const lame = all.filter((a) => a.authoritative === false);
    if (lame.length > 0)
      note(
        'degraded',
        'ns_lame',
        `answer for ${zone} without authority: ${lame.map((a) => a.address).join(', ')}`,
      );
    if (!report.consistency.soaAgrees)
      note(
        'degraded',
        'ns_soa_mismatch',
        `name servers disagree on the SOA serial: ${report.consistency.soaSerials.join(', ')}`,
      );
    if (!report.consistency.dnskeyAgrees)
      note('degraded', 'ns_dnskey_mismatch', `name servers disagree on the DNSKEY set`);
  }
  return judgeFindings(findings, {
    down: { code: 'ns_ipv6_down', message: `the name servers of ${zone} fail IPv6 readiness` },
    degraded: {
      code: 'ns_ipv6_degraded',
      message: `the name servers of ${zone} are IPv6-ready only in part`,
    },
    not_tested: {
      code: 'ns_ipv6_not_tested',
      message: `the name servers of ${zone} were not fully tested`,
    },
  });
}

/** Bounded copy of the report: at most 13 servers and 20 problems. */
function bounded(report: NameServerReport): NameServerReport {
  return {
    ...report,
    nameServers: report.nameServers.slice(0, 13).map((n) => ({
      ...n,
      ipv4: n.ipv4.slice(0, 8),
      ipv6: n.ipv6.slice(0, 8),
      addresses: n.addresses.slice(0, 16),
    })),
    problems: report.problems.slice(0, 20),
  };
}

/**
 * ns-ipv6: checkNameServers for the zone (NS and addresses through the configured resolver; the
 * per-server SOA/DNSKEY queries straight to each address, on `settings.port`, default 53).
 */
export const nsIpv6Adapter: Adapter = {
  kind: 'ns-ipv6',
  async run({ target, settings }, deps, context) {
    const zone = requireTargetString(target, 'zone', 'ns-ipv6');
    const outside = resolverOutsideScope(deps, context, { zone });
    if (outside) return outside;
    const queryTimeoutMs = optNumber(settings, 'queryTimeoutMs');
    const report = await checkNameServers(zone, {
      lookup: runLookup(deps, context, queryTimeoutMs),
      transport: deps.transport,
      port: optNumber(settings, 'port'),
      scope: context.scope,
      timeoutMs: queryTimeoutMs,
      signal: context.signal,
    });
    const nsQueryFailed = report.problems.some((p) => p.startsWith('NS query for'));
    const { status, reasons } = await judgeNameServers(report, nsQueryFailed, deps);
    const answered = report.nameServers.some((n) =>
      n.addresses.some((a) => a.family === 6 && a.udp?.ok),
    );
    return outcome(status, bounded(report), reasons, answered ? 6 : null);
  },
  latencyMs: () => null,
};
