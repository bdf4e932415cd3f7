import { useEffect, useState } from 'preact/hooks';
import type { Page } from '../lib/api';
import { fmtDateTime, fmtNumber, fmtTime } from '../lib/format';
import { html } from '../lib/html';
import { useApi } from '../lib/hooks';
import { messages } from '../lib/i18n';
import { href, useLocation } from '../lib/router';
import { can, useMe } from '../lib/session';
import { Card, Empty, ErrorBox, Loading, Pager, StateBadge, stateLabel } from '../components/ui';
import { UnitLevel } from '../components/overview-tree';

const t = messages({
  vi: {
    title: 'Tổng quan',
    updatedAt: 'Cập nhật lúc {time}',
    updating: 'Đang cập nhật…',
    counts: 'Kiểm tra theo trạng thái',
    total: 'Tổng số',
    countsHint: 'Chọn một trạng thái để xem danh sách kiểm tra.',
    showState: 'Xem các kiểm tra {state}',
    tree: 'Đơn vị và trạng thái',
    treeHint: 'Trạng thái xấu nhất và số kiểm tra lỗi của mỗi đơn vị, tính cả các đơn vị cấp dưới.',
    incidents: 'Sự cố đang mở',
    allIncidents: 'Tất cả sự cố',
    noIncidents: 'Không có sự cố đang mở.',
    severity: 'Mức {n}',
    opened: 'Mở lúc {time}',
    open: 'Mới phát hiện',
    acknowledged: 'Đã tiếp nhận',
    investigating: 'Đang điều tra',
    mitigated: 'Đã khắc phục tạm',
    failing: 'Dịch vụ lỗi IPv6 hoặc DNSSEC',
    noFailing: 'Không có dịch vụ nào lỗi IPv6 hoặc DNSSEC.',
    service: 'Dịch vụ',
    problems: 'Vấn đề',
    expiring: 'Chữ ký DNSSEC sắp hết hạn',
    window: 'Trong vòng',
    days: '{n} ngày',
    noExpiring: 'Không có chữ ký nào hết hạn trong {n} ngày tới.',
    zone: 'Tên miền',
    expires: 'Hết hạn',
    left: 'Còn lại',
    daysLeft: '{n} ngày',
    expired: 'Đã hết hạn',
    checksIn: 'Kiểm tra có trạng thái: {state}',
    checksInUnit: 'Kiểm tra có trạng thái: {state} – đơn vị {unit}',
    closeList: 'Đóng danh sách',
    check: 'Kiểm tra',
    kind: 'Loại',
    state: 'Trạng thái',
    since: 'Từ lúc',
    object: 'Đối tượng',
    reason: 'Lý do',
    'kind.ipv6-web': 'IPv6 web',
    'kind.ipv6-mail': 'IPv6 thư',
    'kind.ns-ipv6': 'IPv6 máy chủ tên',
    'kind.dnssec': 'DNSSEC',
    all: 'Tất cả',
  },
  en: {
    title: 'Overview',
    updatedAt: 'Updated at {time}',
    updating: 'Updating…',
    counts: 'Checks by state',
    total: 'Total',
    countsHint: 'Choose a state to list its checks.',
    showState: 'List the {state} checks',
    tree: 'Units and their status',
    treeHint: 'Worst state and failing checks of each unit, its sub-units included.',
    incidents: 'Open incidents',
    allIncidents: 'All incidents',
    noIncidents: 'No open incidents.',
    severity: 'Sev {n}',
    opened: 'Opened {time}',
    open: 'Open',
    acknowledged: 'Acknowledged',
    investigating: 'Investigating',
    mitigated: 'Mitigated',
    failing: 'Services failing IPv6 or DNSSEC',
    noFailing: 'No service is failing IPv6 or DNSSEC.',
    service: 'Service',
    problems: 'Problems',
    expiring: 'DNSSEC signatures expiring soon',
    window: 'Within',
    days: '{n} days',
    noExpiring: 'No signature expires in the next {n} days.',
    zone: 'Name',
    expires: 'Expires',
    left: 'Left',
    daysLeft: '{n} days',
    expired: 'Expired',
    checksIn: 'Checks in state: {state}',
    checksInUnit: 'Checks in state: {state} – unit {unit}',
    closeList: 'Close the list',
    check: 'Check',
    kind: 'Kind',
    state: 'State',
    since: 'Since',
    object: 'Object',
    reason: 'Reason',
    'kind.ipv6-web': 'IPv6 web',
    'kind.ipv6-mail': 'IPv6 mail',
    'kind.ns-ipv6': 'IPv6 name servers',
    'kind.dnssec': 'DNSSEC',
    all: 'All',
  },
});
type Key = Parameters<typeof t>[0];

/** Live page: every panel polls on this period while the tab is visible. */
const POLL_MS = 10_000;
const STATES = ['down', 'unreachable', 'degraded', 'not_tested', 'unknown', 'up'];
const OPEN_STATUSES = 'open,acknowledged,investigating,mitigated';

interface Summary {
  total: number;
  worst: string;
  counts: Record<string, number>;
}

interface Incident {
  id: string;
  number: number;
  title: string;
  severity: number;
  status: string;
  openedAt: string;
}

interface FailingService {
  id: string;
  kind: string;
  hostname: string;
  name: string;
  failing: { kind: string; family: number | null; state: string; reason: string | null }[];
}

interface Expiring {
  checkId: string;
  objectType: string | null;
  objectId: string | null;
  name: string | null;
  serviceName: string | null;
  hostname: string | null;
  expiresAt: string;
  daysLeft: number;
}

interface CheckStatus {
  id: string;
  key: string;
  kind: string;
  family: number | null;
  objectType: string | null;
  objectId: string | null;
  state: string;
  since: string | null;
  reasons: { code: string; message: string }[];
}

const OPEN_STATUS_WORDS: readonly string[] = ['open', 'acknowledged', 'investigating', 'mitigated'];
const statusLabel = (s: string) => (OPEN_STATUS_WORDS.includes(s) ? t(s as Key) : s);
const COMPLIANCE_KINDS: readonly string[] = ['ipv6-web', 'ipv6-mail', 'ns-ipv6', 'dnssec'];
const kindLabel = (k: string) => (COMPLIANCE_KINDS.includes(k) ? t(`kind.${k}` as Key) : k);

const objectLink = (type: string | null, id: string | null) =>
  type && id ? href(`/objects/${type}/${id}`) : undefined;

function Counts({ summary }: { summary: Summary }) {
  return html`<div class="stats" data-testid="overview-counts">
    <a class="stat ov-stat" href=${href('/', { state: 'all' })}>
      <strong>${fmtNumber(summary.total)}</strong>${t('total')}
      <span class="visually-hidden"> – ${t('showState', { state: t('all').toLowerCase() })}</span>
    </a>
    ${STATES.map(
      (s) =>
        html`<a class=${`stat ov-stat state-${s}`} href=${href('/', { state: s })} data-state=${s}>
          <strong>${fmtNumber(summary.counts[s] ?? 0)}</strong>${stateLabel(s)}
          <span class="visually-hidden">
            – ${t('showState', { state: stateLabel(s).toLowerCase() })}</span
          >
        </a>`,
    )}
  </div>`;
}

/** The checks of one state (optionally in one unit's subtree), a page at a time. */
function StateList({ state, unit }: { state: string; unit?: string }) {
  const [offset, setOffset] = useState(0);
  useEffect(() => setOffset(0), [state, unit]);
  const limit = 25;
  const { data, error } = useApi<Page<CheckStatus>>(
    '/api/status/checks',
    { state: state === 'all' ? undefined : state, unit, limit, offset },
    { pollMs: POLL_MS },
  );
  const label = state === 'all' ? t('all').toLowerCase() : stateLabel(state).toLowerCase();
  return html`<${Card}
    title=${unit ? t('checksInUnit', { state: label, unit }) : t('checksIn', { state: label })}
    actions=${html`<a href=${href('/')}>${t('closeList')}</a>`}
  >
    <div data-testid="overview-state-list">
      <${ErrorBox} error=${error} />
      ${
        !data
          ? !error && html`<${Loading} />`
          : data.items.length === 0
            ? html`<${Empty} />`
            : html`<div class="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">${t('check')}</th>
                      <th scope="col">${t('kind')}</th>
                      <th scope="col">${t('state')}</th>
                      <th scope="col">${t('since')}</th>
                      <th scope="col">${t('reason')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${data.items.map(
                      (c) =>
                        html`<tr key=${c.id}>
                          <td class="ov-break">
                            ${
                              objectLink(c.objectType, c.objectId)
                                ? html`<a href=${objectLink(c.objectType, c.objectId)}>${c.key}</a>`
                                : c.key
                            }
                          </td>
                          <td>
                            ${c.kind}${c.family ? html` <span class="muted">v${c.family}</span>` : ''}
                          </td>
                          <td><${StateBadge} state=${c.state} /></td>
                          <td>${fmtDateTime(c.since)}</td>
                          <td class="small">${c.reasons[0]?.message ?? ''}</td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>`
      }
      ${
        data &&
        html`<${Pager} offset=${offset} limit=${limit} total=${data.total} onChange=${setOffset} />`
      }
    </div>
  </${Card}>`;
}

function Incidents() {
  const { data, error } = useApi<Page<Incident>>(
    '/api/incidents',
    { status: OPEN_STATUSES, limit: 5 },
    { pollMs: POLL_MS },
  );
  return html`<${Card}
    title=${t('incidents')}
    actions=${html`<a href=${href('/incidents')}>${t('allIncidents')}${data ? ` (${fmtNumber(data.total)})` : ''}</a>`}
  >
    <div data-testid="overview-incidents">
      <${ErrorBox} error=${error} />
      ${
        !data
          ? !error && html`<${Loading} />`
          : data.items.length === 0
            ? html`<p class="ok">${t('noIncidents')}</p>`
            : html`<ul class="ov-list">
                ${data.items.map(
                  (i) =>
                    html`<li key=${i.id}>
                      <span class=${`badge sev-${i.severity}`}
                        >${t('severity', { n: i.severity })}</span
                      >
                      <a href=${href(`/incidents/${i.id}`)}>#${i.number} ${i.title}</a>
                      <div class="muted small">
                        ${statusLabel(i.status)} · ${t('opened', { time: fmtDateTime(i.openedAt) })}
                      </div>
                    </li>`,
                )}
              </ul>`
      }
    </div>
  </${Card}>`;
}

function Failing() {
  const [offset, setOffset] = useState(0);
  const limit = 10;
  const { data, error } = useApi<Page<FailingService>>(
    '/api/status/failing-services',
    { limit, offset },
    { pollMs: POLL_MS },
  );
  return html`<${Card} title=${t('failing')}>
    <div data-testid="overview-failing">
      <${ErrorBox} error=${error} />
      ${
        !data
          ? !error && html`<${Loading} />`
          : data.items.length === 0
            ? html`<p class="ok">${t('noFailing')}</p>`
            : html`<ul class="ov-list">
                ${data.items.map(
                  (s) =>
                    html`<li key=${s.id}>
                      <a href=${href(`/objects/service/${s.id}`)}>${s.name}</a>
                      <span class="muted small ov-break"> ${s.hostname}</span>
                      <ul class="ov-problems">
                        ${s.failing.map(
                          (f) =>
                            html`<li>
                              <strong
                                >${kindLabel(f.kind)}${f.family ? ` v${f.family}` : ''}</strong
                              >
                              <${StateBadge} state=${f.state} />
                              ${f.reason && html`<span class="muted small"> ${f.reason}</span>`}
                            </li>`,
                        )}
                      </ul>
                    </li>`,
                )}
              </ul>`
      }
      ${
        data &&
        html`<${Pager} offset=${offset} limit=${limit} total=${data.total} onChange=${setOffset} />`
      }
    </div>
  </${Card}>`;
}

function ExpiringSignatures() {
  const [days, setDays] = useState(14);
  const { data, error } = useApi<{ items: Expiring[] }>(
    '/api/status/dnssec-expiring',
    { days, limit: 10 },
    { pollMs: POLL_MS },
  );
  return html`<${Card}
    title=${t('expiring')}
    actions=${html`<span class="ov-window">
      <label for="ov-days">${t('window')}</label>
      <select
        id="ov-days"
        value=${days}
        onChange=${(e: Event) => setDays(Number((e.target as HTMLSelectElement).value))}
      >
        ${[7, 14, 30, 60].map((n) => html`<option value=${n}>${t('days', { n })}</option>`)}
      </select>
    </span>`}
  >
    <div data-testid="overview-expiring">
      <${ErrorBox} error=${error} />
      ${
        !data
          ? !error && html`<${Loading} />`
          : data.items.length === 0
            ? html`<p class="ok">${t('noExpiring', { n: days })}</p>`
            : html`<div class="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">${t('zone')}</th>
                      <th scope="col">${t('expires')}</th>
                      <th scope="col" class="num">${t('left')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${data.items.map((x) => {
                      const link = objectLink(x.objectType, x.objectId);
                      const label = x.name ?? x.hostname ?? x.checkId;
                      return html`<tr key=${x.checkId}>
                        <td class="ov-break">
                          ${link ? html`<a href=${link}>${label}</a>` : label}
                          ${x.serviceName && html`<div class="muted small">${x.serviceName}</div>`}
                        </td>
                        <td>${fmtDateTime(x.expiresAt)}</td>
                        <td class="num">
                          ${
                            x.daysLeft < 0
                              ? html`<span class="badge state-down">${t('expired')}</span>`
                              : html`<span
                                  class=${`badge ${x.daysLeft < 7 ? 'state-down' : 'state-degraded'}`}
                                  >${t('daysLeft', { n: x.daysLeft })}</span
                                >`
                          }
                        </td>
                      </tr>`;
                    })}
                  </tbody>
                </table>
              </div>`
      }
    </div>
  </${Card}>`;
}

/**
 * The overview: counts by state, the unit tree rolled up, open incidents, IPv6/DNSSEC failures
 * and expiring signatures; each panel is bounded (no panel reads all objects) and live.
 */
export function OverviewPage() {
  const me = useMe();
  const { query } = useLocation();
  const state = query.get('state') ?? '';
  const unit = query.get('unit') ?? undefined;
  const summary = useApi<Summary>('/api/status/summary', undefined, { pollMs: POLL_MS });
  return html`
    <div class="ov-head">
      <h1 id="page-title">${t('title')}</h1>
      <p class="muted small" data-testid="updated-at" aria-live="polite">
        ${summary.updatedAt ? t('updatedAt', { time: fmtTime(summary.updatedAt) }) : t('updating')}
      </p>
    </div>
    <${Card} title=${t('counts')}>
      <${ErrorBox} error=${summary.error} />
      ${summary.data ? html`<${Counts} summary=${summary.data} />` : !summary.error && html`<${Loading} />`}
      <p class="muted small">${t('countsHint')}</p>
    </${Card}>
    ${(STATES.includes(state) || state === 'all') && html`<${StateList} state=${state} unit=${unit} />`}
    <div class="ov-grid">
      <${Card} title=${t('tree')}>
        <p class="muted small">${t('treeHint')}</p>
        <div data-testid="overview-tree"><${UnitLevel} /></div>
      </${Card}>
      <div class="ov-side">
        ${can(me, 'incidents') && html`<${Incidents} />`}
        <${Failing} />
        <${ExpiringSignatures} />
      </div>
    </div>
  `;
}
