import { DnsCheckReport } from './dns-check';

interface Style {
  ok(s: string): string;
  bad(s: string): string;
  warn(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

const ansi = (code: string) => (s: string) => `\x1b[${code}m${s}\x1b[0m`;
export const COLOUR: Style = {
  ok: ansi('32'),
  bad: ansi('31'),
  warn: ansi('33'),
  dim: ansi('2'),
  bold: ansi('1'),
};
export const PLAIN: Style = {
  ok: (s) => s,
  bad: (s) => s,
  warn: (s) => s,
  dim: (s) => s,
  bold: (s) => s,
};

const STATUS_STYLE = {
  secure: 'ok',
  insecure: 'warn',
  bogus: 'bad',
  indeterminate: 'bad',
} as const;

/** The human-readable scorecard: verdict first, then the chain, expiry, warnings, name servers. */
export function formatScorecard(r: DnsCheckReport, s: Style): string {
  const out: string[] = [];
  const mark = (ok: boolean) => (ok ? s.ok('✓') : s.bad('✗'));
  out.push(s.bold(`${r.name} ${r.type}`) + s.dim(`  via ${r.server} at ${r.checkedAt}`));
  out.push('');
  const answer = r.answer.records.length
    ? r.answer.records.map((x) => `${x.type} ${x.data}`).join(', ')
    : r.answer.rcode === null
      ? 'no answer'
      : `${r.answer.rcode}${r.answer.rcode === 'NOERROR' ? ' (no data)' : ''}`;
  out.push(`  Answer        ${answer}`);
  if (r.answer.cnameChain.length) out.push(`  CNAME chain   ${r.answer.cnameChain.join(' → ')}`);
  out.push(`  DNSSEC        ${s[STATUS_STYLE[r.dnssec.status]](r.dnssec.status.toUpperCase())}`);
  for (const reason of r.dnssec.reasons.slice(1))
    out.push(`                ${s.dim('·')} ${reason}`);
  const d = r.dnssec.diagnostics;
  if (d.levels.length) {
    out.push('');
    out.push('  Chain of trust');
    for (const level of d.levels) {
      const keys = level.keys
        .map((k) => `${k.sep ? 'KSK' : 'ZSK'} ${k.tag} ${k.algorithmName} ${k.bits}`)
        .join(', ');
      const ds = level.ds
        .map((x) => `${x.tag}/${x.digestName}${x.matched ? '' : ' (no match)'}`)
        .join(', ');
      const via = level.anchoredBy === 'trust-anchor' ? 'trust anchor' : 'DS';
      out.push(`    ${s[STATUS_STYLE[level.status]](level.status.padEnd(13))} ${level.zone}`);
      if (ds) out.push(`                  ${via}: ${ds}`);
      if (keys) out.push(`                  keys: ${keys}`);
      if (level.nsec3) {
        out.push(
          `                  NSEC3: ${level.nsec3.iterations} iterations, salt ${level.nsec3.saltHex || '(none)'}${level.nsec3.optOut ? ', opt-out' : ''}`,
        );
      }
    }
  }
  if (d.earliestExpiry) {
    const days = d.daysToExpiry ?? 0;
    const text = `${d.earliestExpiry} (${days} day${days === 1 ? '' : 's'} left)`;
    out.push('');
    out.push(`  Earliest signature expiry  ${d.expiringSoon.length ? s.warn(text) : text}`);
  }
  if (d.warnings.length) {
    out.push('');
    out.push('  Warnings');
    for (const w of d.warnings) out.push(`    ${s.warn('!')} ${w.message}`);
  }
  const ns = r.nameServers;
  if (ns) {
    out.push('');
    out.push(`  Name servers of ${ns.zone}`);
    for (const n of ns.nameServers) {
      out.push(`    ${n.name}`);
      for (const a of n.addresses) {
        if (a.notTested) {
          out.push(
            `      ${(a.family === 6 ? 'AAAA ' : 'A    ') + a.address.padEnd(28)} ${s.dim(`not tested: ${a.notTested}`)}`,
          );
          continue;
        }
        const udp = `UDP ${mark(Boolean(a.udp?.ok))}`;
        const tcp = `TCP ${mark(Boolean(a.tcp?.ok))}`;
        const serial = a.soaSerial !== undefined ? `  serial ${a.soaSerial}` : '';
        out.push(
          `      ${(a.family === 6 ? 'AAAA ' : 'A    ') + a.address.padEnd(28)} ${udp}  ${tcp}${serial}`,
        );
      }
      if (!n.ipv6.length) out.push(`      ${s.warn('no IPv6 address')}`);
    }
    out.push(`    ${mark(ns.atLeastTwoNameServers)} at least two name servers`);
    out.push(
      `    ${mark(ns.ipv6.atLeastTwo)} at least two name servers with IPv6 (${ns.ipv6.nameServersWithIpv6})`,
    );
    out.push(
      `    ${mark(ns.reach.ipv4.udp && ns.reach.ipv4.tcp)} reachable over IPv4 (UDP and TCP)`,
    );
    out.push(
      `    ${mark(ns.reach.ipv6.udp && ns.reach.ipv6.tcp)} reachable over IPv6 (UDP and TCP)`,
    );
    out.push(
      `    ${mark(ns.consistency.soaAgrees)} SOA serial agrees${ns.consistency.soaSerials.length ? ` (${ns.consistency.soaSerials.join(', ')})` : ''}`,
    );
    out.push(`    ${mark(ns.consistency.dnskeyAgrees)} DNSKEY set agrees`);
  }
  return `${out.join('\n')}\n`;
}
