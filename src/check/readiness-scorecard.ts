import { COLOUR, PLAIN } from './dns-scorecard';
import { FamilySummary, MailCheckReport, WebCheckReport } from './readiness-check';
import { SnmpCheckReport } from './snmp-check';

type Style = typeof COLOUR;
const STYLE = { up: 'ok', degraded: 'warn', down: 'bad', not_tested: 'dim' } as const;

function family(label: string, f: FamilySummary, s: Style): string[] {
  const out = [
    `  ${label.padEnd(6)} ${s[STYLE[f.status]](f.status.toUpperCase().replace('_', ' ').padEnd(11))} ${f.addresses.join(', ') || s.dim('(no address)')}`,
  ];
  for (const r of f.reasons) out.push(`                     ${s.dim('·')} ${r}`);
  return out;
}

function grid(g: { assigned: boolean | null; operational: boolean | null }, s: Style): string {
  const cell = (v: boolean | null) => (v === null ? s.dim('n/a') : v ? s.ok('yes') : s.bad('no'));
  return `  IPv6 assigned ${cell(g.assigned)}   operational ${cell(g.operational)}`;
}

export function formatWebScorecard(r: WebCheckReport, s: Style = PLAIN): string {
  const out = [
    s.bold(`Web ${r.host}`),
    ...family('IPv4', r.ipv4, s),
    ...family('IPv6', r.ipv6, s),
    grid(r.grid, s),
  ];
  out.push(
    `  IPv4/IPv6 content ${r.comparison.status}${r.comparison.reason ? s.dim(` (${r.comparison.reason})`) : ''}`,
  );
  if (!r.selfTest.ipv6)
    out.push(
      s.warn(`  ! this host has no IPv6 (self-test ${r.selfTest.anchor} failed): IPv6 not tested`),
    );
  return `${out.join('\n')}\n`;
}

export function formatMailScorecard(r: MailCheckReport, s: Style = PLAIN): string {
  const out = [s.bold(`Mail ${r.domain}`)];
  out.push(
    `  MX     ${r.acceptsMail === false ? s.warn('does not accept mail') : r.mx.join(', ') || s.dim('(none)')}`,
  );
  out.push(...family('IPv4', r.ipv4, s), ...family('IPv6', r.ipv6, s), grid(r.grid, s));
  if (!r.selfTest.ipv6)
    out.push(
      s.warn(`  ! this host has no IPv6 (self-test ${r.selfTest.anchor} failed): IPv6 not tested`),
    );
  return `${out.join('\n')}\n`;
}

export function formatSnmpScorecard(r: SnmpCheckReport, s: Style = PLAIN): string {
  const o = r.observations;
  const out = [s.bold(`SNMP ${r.host}:${o.port} (${o.version})`)];
  out.push(
    `  Status   ${s[STYLE[r.status]](r.status.toUpperCase().replace('_', ' '))}${o.responseMs !== null ? s.dim(`  ${o.responseMs} ms`) : ''}`,
  );
  for (const reason of r.reasons) out.push(`           ${s.dim('·')} ${reason}`);
  if (o.sysName !== null) out.push(`  sysName  ${o.sysName}`);
  if (o.sysDescr !== null) out.push(`  sysDescr ${o.sysDescr.split('\n')[0]}`);
  if (o.sysUpTimeTicks !== null)
    out.push(
      `  uptime   ${(o.sysUpTimeTicks / 8_640_000).toFixed(2)} days${o.rebooted ? s.warn('  (rebooted)') : ''}`,
    );
  if (o.interfaces.length) {
    out.push('  Interfaces');
    for (const i of o.interfaces) {
      const state = `${i.adminStatus ?? '?'}/${i.operStatus ?? '?'}`;
      const rate = i.rate
        ? `  in ${(i.rate.inBps / 1000).toFixed(1)} kbit/s  out ${(i.rate.outBps / 1000).toFixed(1)} kbit/s`
        : '';
      const util =
        i.utilisation && i.capacity
          ? `  ${Math.max(i.utilisation.inPercent, i.utilisation.outPercent).toFixed(1)}% of ${i.capacity.bps / 1000} kbit/s (${i.capacity.source})`
          : '';
      const down = i.adminStatus === 'up' && i.operStatus !== 'up';
      out.push(
        `    ${String(i.ifIndex).padStart(4)} ${(i.ifName ?? i.ifDescr ?? '').padEnd(20)} ${down ? s.bad(state) : state}${rate}${util}`,
      );
    }
  }
  return `${out.join('\n')}\n`;
}
