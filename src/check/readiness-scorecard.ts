import { COLOUR, PLAIN } from './dns-scorecard';
import { FamilySummary, MailCheckReport, WebCheckReport } from './readiness-check';

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
