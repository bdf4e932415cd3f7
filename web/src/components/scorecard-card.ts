/**
 * One domain's internet.nl-style card: per category the verdict, why, and what the latest
 * probe run saw (addresses, name servers, the DNSSEC chain with algorithms and expiry).
 */
import { fmtDateTime, fmtNumber } from '../lib/format';
import { html } from '../lib/html';
import { messages } from '../lib/i18n';
import { href } from '../lib/router';
import { StateBadge } from './ui';
import { valueLabel } from './inventory-types';
import {
  CATEGORIES,
  Category,
  categoryLabel,
  Reason,
  Verdict,
  VerdictBadge,
} from './scorecard-common';

interface Family {
  status: string | null;
  addresses: string[];
  reasons: Reason[];
}
interface Grid {
  assigned: boolean | null;
  operational: boolean | null;
}
interface Transport {
  ok: boolean | null;
  rttMs: number | null;
  error: string | null;
}
/** The union of the per-kind detail shapes (scorecard-summary.ts on the server). */
interface Details {
  host?: string | null;
  domain?: string | null;
  ipv4?: Family | null;
  ipv6?: Family | null | { nameServersWithIpv6: number | null; atLeastTwo: boolean | null };
  grid?: Grid | null;
  comparison?: { status: string | null; reason: string | null } | null;
  selfTest?: { ipv6: boolean | null } | null;
  acceptsMail?: boolean | null;
  mx?: {
    result: string | null;
    error: string | null;
    nullMx: boolean | null;
    records: { preference: number | null; exchange: string | null }[];
  } | null;
  zone?: string | null;
  nameServers?: {
    name: string | null;
    addresses: {
      address: string | null;
      family: number | null;
      notTested: string | null;
      udp: Transport | null;
      tcp: Transport | null;
    }[];
  }[];
  atLeastTwoNameServers?: boolean | null;
  consistency?: { soaAgrees: boolean | null; dnskeyAgrees: boolean | null } | null;
  problems?: string[];
  name?: string | null;
  type?: string | null;
  status?: string | null;
  earliestExpiry?: string | null;
  daysToExpiry?: number | null;
  levels?: {
    zone: string | null;
    status: string | null;
    anchoredBy: string | null;
    algorithms: string[];
    dsMatched: boolean | null;
  }[];
  warnings?: string[];
}

export interface CardCheck {
  id: string;
  key: string;
  kind: string;
  serviceId: string;
  serviceName: string;
  serviceKind: string;
  domain: string;
  state: string;
  since: string | null;
  lastResultAt: string | null;
  reasons: Reason[];
  observedAt?: string | null;
  details?: Details | null;
}

export interface ScorecardDetail {
  domain: string;
  services: {
    id: string;
    kind: string;
    name: string;
    ipv6Required: boolean;
    dnssecRequired: boolean;
  }[];
  categories: Record<
    Category,
    { verdict: Verdict; state: string | null; inheritedFrom: string | null; checks: CardCheck[] }
  >;
}

const t = messages({
  vi: {
    what_ipv6Web: 'Máy chủ web có địa chỉ IPv6 (AAAA) và phục vụ cùng nội dung qua IPv6 như IPv4.',
    what_ipv6Mail: 'Các máy chủ thư (MX) có địa chỉ IPv6 và nhận thư qua IPv6.',
    what_ipv6NameServers:
      'Ít nhất hai máy chủ tên có IPv6 và trả lời qua IPv6 (UDP và TCP), thống nhất SOA và DNSKEY.',
    what_dnssec: 'Tên miền được ký DNSSEC và chuỗi tin cậy xác thực được từ gốc.',
    noCheck: 'Không có kiểm tra loại này cho tên miền (không có dịch vụ tương ứng).',
    inherited: 'Theo vùng {zone} (máy chủ tên thuộc về vùng).',
    service: 'Dịch vụ',
    state: 'Trạng thái',
    since: 'từ {at}',
    lastResult: 'Kết quả gần nhất: {at}',
    observed: 'Quan sát lúc {at}',
    noDetails: 'Chưa có kết quả chi tiết trong 30 ngày qua.',
    reasons: 'Lý do',
    noReasons: 'Không có ghi chú.',
    addresses: 'Địa chỉ IPv{f}',
    none: '(không có)',
    assigned: 'Có AAAA',
    operational: 'Hoạt động qua IPv6',
    yes: 'có',
    no: 'không',
    na: 'không áp dụng',
    sameContent: 'Nội dung IPv4/IPv6',
    selfTestFailed: 'Máy đo không có IPv6 hoạt động: IPv6 chưa được kiểm tra.',
    mx: 'Bản ghi MX',
    noMail: 'Tên miền không nhận thư.',
    nameServer: 'Máy chủ tên',
    address: 'Địa chỉ',
    notTested: 'chưa kiểm tra: {why}',
    twoNs: 'Ít nhất hai máy chủ tên',
    twoNsV6: 'Ít nhất hai máy chủ tên có IPv6 ({n})',
    soa: 'SOA thống nhất',
    dnskey: 'DNSKEY thống nhất',
    validation: 'Kết quả xác thực',
    chain: 'Chuỗi tin cậy',
    zone: 'Vùng',
    algorithms: 'Thuật toán',
    anchoredBy: 'Neo bởi',
    expiry: 'Chữ ký hết hạn sớm nhất',
    daysLeft: '{at} (còn {n} ngày)',
    warnings: 'Cảnh báo chính sách',
    services: 'Dịch vụ trên tên miền',
    required: 'Yêu cầu',
    checkLink: 'Xem đối tượng',
    secure: 'an toàn (secure)',
    insecure: 'không ký (insecure)',
    bogus: 'sai chữ ký (bogus)',
    indeterminate: 'không xác định',
  },
  en: {
    what_ipv6Web:
      'The web server has an IPv6 address (AAAA) and serves the same content over IPv6 as over IPv4.',
    what_ipv6Mail: 'The mail servers (MX) have IPv6 addresses and accept mail over IPv6.',
    what_ipv6NameServers:
      'At least two name servers have IPv6 and answer over IPv6 (UDP and TCP), agreeing on SOA and DNSKEY.',
    what_dnssec: 'The name is DNSSEC-signed and its chain of trust validates from the root.',
    noCheck: 'No check of this kind for the domain (no matching service).',
    inherited: 'From the zone {zone} (name servers belong to the zone).',
    service: 'Service',
    state: 'State',
    since: 'since {at}',
    lastResult: 'Latest result: {at}',
    observed: 'Observed at {at}',
    noDetails: 'No detailed result in the last 30 days.',
    reasons: 'Reasons',
    noReasons: 'No remarks.',
    addresses: 'IPv{f} addresses',
    none: '(none)',
    assigned: 'AAAA published',
    operational: 'Works over IPv6',
    yes: 'yes',
    no: 'no',
    na: 'not applicable',
    sameContent: 'IPv4/IPv6 content',
    selfTestFailed: 'The probe host has no working IPv6: IPv6 was not tested.',
    mx: 'MX records',
    noMail: 'The domain accepts no mail.',
    nameServer: 'Name server',
    address: 'Address',
    notTested: 'not tested: {why}',
    twoNs: 'At least two name servers',
    twoNsV6: 'At least two name servers with IPv6 ({n})',
    soa: 'SOA serial agrees',
    dnskey: 'DNSKEY set agrees',
    validation: 'Validation',
    chain: 'Chain of trust',
    zone: 'Zone',
    algorithms: 'Algorithms',
    anchoredBy: 'Anchored by',
    expiry: 'Earliest signature expiry',
    daysLeft: '{at} ({n} days left)',
    warnings: 'Policy warnings',
    services: 'Services on this domain',
    required: 'Required',
    checkLink: 'Open the object',
    secure: 'secure',
    insecure: 'insecure (unsigned)',
    bogus: 'bogus (bad signatures)',
    indeterminate: 'indeterminate',
  },
});

const yesNo = (v: boolean | null | undefined) =>
  v === null || v === undefined ? t('na') : v ? t('yes') : t('no');

/** ✓ / ✗ with the word, for facts. */
function Fact({ ok, label }: { ok: boolean | null | undefined; label: string }) {
  const mark = ok === null || ok === undefined ? '–' : ok ? '✓' : '✗';
  const cls = ok === null || ok === undefined ? 'muted' : ok ? 'fact-ok' : 'fact-bad';
  return html`<li class=${cls}>
    <span aria-hidden="true">${mark} </span>${label}: <strong>${yesNo(ok)}</strong>
  </li>`;
}

function Reasons({ reasons }: { reasons: Reason[] }) {
  if (!reasons.length) return html`<p class="muted small">${t('noReasons')}</p>`;
  return html`<ul class="reasons">
    ${reasons.map((r) => html`<li><code class="small">${r.code}</code> ${r.message}</li>`)}
  </ul>`;
}

function Addresses({ f, family }: { f: Family | null | undefined; family: 4 | 6 }) {
  if (!f) return null;
  return html`<p>
    <strong>${t('addresses', { f: family })}:</strong>${' '}
    ${f.addresses.length ? f.addresses.join(', ') : html`<span class="muted">${t('none')}</span>`}
    ${f.status && html` <${StateBadge} state=${f.status} />`}
  </p>`;
}

function WebDetails({ d }: { d: Details }) {
  const v6 = d.ipv6 as Family | null | undefined;
  return html`
    <${Addresses} f=${v6} family=${6} />
    <${Addresses} f=${d.ipv4} family=${4} />
    <ul class="facts">
      <${Fact} ok=${d.grid?.assigned} label=${t('assigned')} />
      <${Fact} ok=${d.grid?.operational} label=${t('operational')} />
    </ul>
    ${
      d.comparison?.status &&
      html`<p class="small">
        ${t('sameContent')}: <strong>${d.comparison.status}</strong>
        ${d.comparison.reason && html` — ${d.comparison.reason}`}
      </p>`
    }
    ${d.selfTest?.ipv6 === false && html`<p class="small muted">${t('selfTestFailed')}</p>`}
  `;
}

function MailDetails({ d }: { d: Details }) {
  const v6 = d.ipv6 as Family | null | undefined;
  return html`
    ${d.acceptsMail === false && html`<p>${t('noMail')}</p>`}
    ${
      d.mx &&
      html`<p>
        <strong>${t('mx')}:</strong>${' '}
        ${
          d.mx.records.length
            ? d.mx.records.map((r) => `${r.preference ?? ''} ${r.exchange ?? ''}`).join(', ')
            : html`<span class="muted">${d.mx.error ?? t('none')}</span>`
        }
      </p>`
    }
    <${Addresses} f=${v6} family=${6} />
    <${Addresses} f=${d.ipv4} family=${4} />
    <ul class="facts">
      <${Fact} ok=${d.grid?.assigned} label=${t('assigned')} />
      <${Fact} ok=${d.grid?.operational} label=${t('operational')} />
    </ul>
    ${d.selfTest?.ipv6 === false && html`<p class="small muted">${t('selfTestFailed')}</p>`}
  `;
}

const mark = (x: Transport | null) =>
  x === null ? '–' : x.ok ? `✓${x.rttMs !== null ? ` ${fmtNumber(x.rttMs)} ms` : ''}` : '✗';

function NameServerDetails({ d }: { d: Details }) {
  const v6 = d.ipv6 as { nameServersWithIpv6: number | null; atLeastTwo: boolean | null } | null;
  type Ns = NonNullable<Details['nameServers']>[number];
  const rows: { n: Ns; a: Ns['addresses'][number] | null; first: boolean }[] = (
    d.nameServers ?? []
  ).flatMap((n) =>
    n.addresses.length
      ? n.addresses.map((a, i) => ({ n, a: a as Ns['addresses'][number] | null, first: i === 0 }))
      : [{ n, a: null, first: true }],
  );
  return html`
    ${
      rows.length > 0 &&
      html`<div class="table-wrap">
        <table class="small">
          <thead>
            <tr>
              <th scope="col">${t('nameServer')}</th>
              <th scope="col">${t('address')}</th>
              <th scope="col">UDP</th>
              <th scope="col">TCP</th>
            </tr>
          </thead>
          <tbody>
            ${rows.map(
              ({ n, a, first }) =>
                html`<tr>
                  <td>${first ? n.name : ''}</td>
                  <td>${a ? a.address : html`<span class="muted">${t('none')}</span>`}</td>
                  ${
                    a?.notTested
                      ? html`<td colspan="2" class="muted">
                          ${t('notTested', { why: a.notTested })}
                        </td>`
                      : html`<td>${a ? mark(a.udp) : ''}</td>
                          <td>${a ? mark(a.tcp) : ''}</td>`
                  }
                </tr>`,
            )}
          </tbody>
        </table>
      </div>`
    }
    <ul class="facts">
      <${Fact} ok=${d.atLeastTwoNameServers} label=${t('twoNs')} />
      <${Fact} ok=${v6?.atLeastTwo} label=${t('twoNsV6', { n: v6?.nameServersWithIpv6 ?? '—' })} />
      <${Fact} ok=${d.consistency?.soaAgrees} label=${t('soa')} />
      <${Fact} ok=${d.consistency?.dnskeyAgrees} label=${t('dnskey')} />
    </ul>
    ${
      (d.problems ?? []).length > 0 &&
      html`<ul class="reasons small">
        ${(d.problems ?? []).map((p) => html`<li>${p}</li>`)}
      </ul>`
    }
  `;
}

const dnssecWord = (s: string | null | undefined) =>
  s === 'secure' || s === 'insecure' || s === 'bogus' || s === 'indeterminate' ? t(s) : (s ?? '—');

function DnssecDetails({ d }: { d: Details }) {
  const last = d.levels?.[d.levels.length - 1];
  return html`
    <p>
      <strong>${t('validation')}:</strong> ${dnssecWord(d.status)}
      ${d.name && html` <span class="muted small">(${d.name} ${d.type})</span>`}
    </p>
    ${
      last &&
      html`<p><strong>${t('algorithms')}:</strong> ${last.algorithms.join(', ') || t('none')}</p>`
    }
    ${
      d.earliestExpiry &&
      html`<p>
        <strong>${t('expiry')}:</strong>${' '}
        ${t('daysLeft', { at: fmtDateTime(d.earliestExpiry), n: d.daysToExpiry ?? '—' })}
      </p>`
    }
    ${
      (d.warnings ?? []).length > 0 &&
      html`<p><strong>${t('warnings')}:</strong> ${(d.warnings ?? []).join(', ')}</p>`
    }
    ${
      (d.levels ?? []).length > 0 &&
      html`<div class="table-wrap">
        <table class="small">
          <caption class="sr-only">
            ${t('chain')}
          </caption>
          <thead>
            <tr>
              <th scope="col">${t('zone')}</th>
              <th scope="col">${t('validation')}</th>
              <th scope="col">${t('algorithms')}</th>
              <th scope="col">${t('anchoredBy')}</th>
            </tr>
          </thead>
          <tbody>
            ${(d.levels ?? []).map(
              (l) =>
                html`<tr>
                  <td>${l.zone}</td>
                  <td>${dnssecWord(l.status)}</td>
                  <td>${l.algorithms.join(', ')}</td>
                  <td>${l.anchoredBy}${l.dsMatched === false ? ' (DS ✗)' : ''}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>`
    }
  `;
}

function CheckDetails({ c }: { c: CardCheck }) {
  const d = c.details;
  if (!d) return html`<p class="muted small">${t('noDetails')}</p>`;
  switch (c.kind) {
    case 'ipv6-web':
      return html`<${WebDetails} d=${d} />`;
    case 'ipv6-mail':
      return html`<${MailDetails} d=${d} />`;
    case 'ns-ipv6':
      return html`<${NameServerDetails} d=${d} />`;
    case 'dnssec':
      return html`<${DnssecDetails} d=${d} />`;
    default:
      return null;
  }
}

function CategorySection({
  category,
  data,
}: {
  category: Category;
  data: ScorecardDetail['categories'][Category];
}) {
  const headingId = `sc-${category}`;
  return html`<section class="card scorecard-category" aria-labelledby=${headingId}>
    <header class="card-head">
      <h2 id=${headingId}>${categoryLabel(category)}</h2>
      <${VerdictBadge} verdict=${data.verdict} />
    </header>
    <p class="muted small">${t(`what_${category}`)}</p>
    ${data.inheritedFrom && html`<p class="small">${t('inherited', { zone: data.inheritedFrom })}</p>`}
    ${data.checks.length === 0 && html`<p>${t('noCheck')}</p>`}
    ${data.checks.map(
      (c) =>
        html`<div class="scorecard-check">
          <p>
            <a href=${href(`/objects/service/${c.serviceId}`)}>${c.serviceName}</a>
            <span class="muted small"> · ${valueLabel(c.serviceKind)} · ${c.domain}</span>
          </p>
          <p>
            <${StateBadge} state=${c.state} />
            ${c.since && html` <span class="small muted">${t('since', { at: fmtDateTime(c.since) })}</span>`}
            <span class="small muted">
              · ${t('lastResult', { at: fmtDateTime(c.lastResultAt) })}</span
            >
          </p>
          <h3>${t('reasons')}</h3>
          <${Reasons} reasons=${c.reasons} />
          <${CheckDetails} c=${c} />
          ${c.observedAt && html`<p class="small muted">${t('observed', { at: fmtDateTime(c.observedAt) })}</p>`}
        </div>`,
    )}
  </section>`;
}

export function ScorecardCard({ card }: { card: ScorecardDetail }) {
  return html`<div data-testid="scorecard-card">
    <ul class="stats scorecard-summary" aria-label=${card.domain}>
      ${CATEGORIES.map(
        (c) =>
          html`<li class="stat">
            <span class="small">${categoryLabel(c)}</span>
            <${VerdictBadge} verdict=${card.categories[c].verdict} />
          </li>`,
      )}
    </ul>
    <div class="grid scorecard-grid">
      ${CATEGORIES.map((c) => html`<${CategorySection} category=${c} data=${card.categories[c]} />`)}
    </div>
    <section class="card" aria-labelledby="sc-services">
      <h2 id="sc-services">${t('services')}</h2>
      <ul>
        ${card.services.map(
          (s) =>
            html`<li>
              <a href=${href(`/objects/service/${s.id}`)}>${s.name}</a>
              <span class="muted small"> · ${valueLabel(s.kind)}</span>
              ${
                (s.ipv6Required || s.dnssecRequired) &&
                html`<span class="small"
                  >${` · ${t('required')}: ${[
                    s.ipv6Required && 'IPv6',
                    s.dnssecRequired && 'DNSSEC',
                  ]
                    .filter(Boolean)
                    .join(', ')}`}</span
                >`
              }
            </li>`,
        )}
      </ul>
    </section>
  </div>`;
}
