/** What the scorecard API returns, and the verdict badge shared by the list and the card. */
import { html } from '../lib/html';
import { messages } from '../lib/i18n';

export const CATEGORIES = ['ipv6Web', 'ipv6Mail', 'ipv6NameServers', 'dnssec'] as const;
export type Category = (typeof CATEGORIES)[number];
export type Verdict = 'pass' | 'warning' | 'fail' | 'not_tested';

export interface Reason {
  code: string;
  message: string;
}

export interface ScorecardRow {
  domain: string;
  services: { id: string; kind: string; name: string }[];
  categories: Record<
    Category,
    { verdict: Verdict; state: string | null; inheritedFrom: string | null; reasons: Reason[] }
  >;
}

const t = messages({
  vi: {
    ipv6Web: 'IPv6 web',
    ipv6Mail: 'IPv6 thư',
    ipv6NameServers: 'IPv6 máy chủ tên',
    dnssec: 'DNSSEC',
    pass: 'Đạt',
    warning: 'Cảnh báo',
    fail: 'Không đạt',
    not_tested: 'Chưa kiểm tra',
  },
  en: {
    ipv6Web: 'IPv6 web',
    ipv6Mail: 'IPv6 mail',
    ipv6NameServers: 'IPv6 name servers',
    dnssec: 'DNSSEC',
    pass: 'Pass',
    warning: 'Warning',
    fail: 'Fail',
    not_tested: 'Not tested',
  },
});

export const categoryLabel = (c: Category): string => t(c);
export const verdictLabel = (v: Verdict): string => t(v);

const LOOK: Record<Verdict, { cls: string; mark: string }> = {
  pass: { cls: 'state-up', mark: '✓' },
  warning: { cls: 'state-degraded', mark: '!' },
  fail: { cls: 'state-down', mark: '✗' },
  not_tested: { cls: 'state-not_tested', mark: '–' },
};

/** A verdict as a badge with a mark and its word: colour is never the only cue. */
export function VerdictBadge({ verdict }: { verdict: Verdict }) {
  const look = LOOK[verdict] ?? LOOK.not_tested;
  return html`<span class=${`badge verdict ${look.cls}`}
    ><span aria-hidden="true">${look.mark} </span>${verdictLabel(verdict)}</span
  >`;
}
