/**
 * Scorecards: per domain an internet.nl-style card (IPv6 web, mail, name servers; DNSSEC), the
 * list paged and searched on the server; per unit the compliance score and its trend.
 */
import { useState } from 'preact/hooks';
import type { Page } from '../lib/api';
import { fmtDateTime } from '../lib/format';
import { html } from '../lib/html';
import { useApi } from '../lib/hooks';
import { messages } from '../lib/i18n';
import { href, navigate, useLocation } from '../lib/router';
import { can, useMe } from '../lib/session';
import { Empty, ErrorBox, Loading, Pager } from '../components/ui';
import { useDebounced } from '../components/inventory-ref';
import {
  CATEGORIES,
  categoryLabel,
  ScorecardRow,
  VerdictBadge,
} from '../components/scorecard-common';
import { ScorecardCard, ScorecardDetail } from '../components/scorecard-card';
import { UnitScores } from '../components/scorecard-units';

const t = messages({
  vi: {
    title: 'Bảng điểm',
    byDomain: 'Theo tên miền',
    intro:
      'Kiểm tra kiểu internet.nl cho từng tên miền của dịch vụ: IPv6 cho web, thư và máy chủ tên; DNSSEC.',
    search: 'Tìm tên miền hoặc tên dịch vụ',
    domain: 'Tên miền',
    none: 'Không có tên miền nào khớp.',
    caption: 'Tên miền và kết quả bốn tiêu chí',
    updated: 'Cập nhật lúc {at}',
    back: '← Tất cả tên miền',
    inherited: 'theo vùng {zone}',
  },
  en: {
    title: 'Scorecards',
    byDomain: 'Per domain',
    intro:
      'internet.nl-style tests for each service domain: IPv6 for web, mail and name servers; DNSSEC.',
    search: 'Search a domain or a service name',
    domain: 'Domain',
    none: 'No domain matches.',
    caption: 'Domains and their four verdicts',
    updated: 'Updated at {at}',
    back: '← All domains',
    inherited: 'from zone {zone}',
  },
});

const LIMIT = 25;

function DomainList() {
  const [search, setSearch] = useState('');
  const [offset, setOffset] = useState(0);
  const settled = useDebounced(search.trim());
  const list = useApi<Page<ScorecardRow>>(
    '/api/status/scorecards',
    { search: settled, limit: LIMIT, offset },
    { pollMs: 60_000 },
  );
  const rows = list.data?.items ?? [];
  return html`<section class="card" aria-labelledby="by-domain-h">
    <header class="card-head">
      <h2 id="by-domain-h">${t('byDomain')}</h2>
      ${
        list.updatedAt &&
        html`<span class="muted small">${t('updated', { at: fmtDateTime(list.updatedAt) })}</span>`
      }
    </header>
    <p class="muted small">${t('intro')}</p>
    <div class="toolbar" role="search">
      <div>
        <label for="scorecard-search">${t('search')}</label>
        <input
          id="scorecard-search"
          type="search"
          value=${search}
          onInput=${(e: Event) => {
            setSearch((e.target as HTMLInputElement).value);
            setOffset(0);
          }}
        />
      </div>
    </div>
    <${ErrorBox} error=${list.error} />
    ${list.loading && !list.data && html`<${Loading} />`}
    ${list.data && rows.length === 0 && html`<${Empty}>${t('none')}<//>`}
    ${
      rows.length > 0 &&
      html`<div class="table-wrap">
        <table data-testid="scorecard-list" class="scorecard-table wide-table">
          <caption class="sr-only">
            ${t('caption')}
          </caption>
          <thead>
            <tr>
              <th scope="col">${t('domain')}</th>
              ${CATEGORIES.map((c) => html`<th scope="col">${categoryLabel(c)}</th>`)}
            </tr>
          </thead>
          <tbody>
            ${rows.map(
              (r) =>
                html`<tr key=${r.domain}>
                  <th scope="row">
                    <a href=${href(`/scorecards/${encodeURIComponent(r.domain)}`)}>${r.domain}</a>
                    <div class="muted small">${r.services.map((s) => s.name).join(' · ')}</div>
                  </th>
                  ${CATEGORIES.map((c) => {
                    const v = r.categories[c];
                    return html`<td>
                      <${VerdictBadge} verdict=${v.verdict} />
                      ${
                        v.inheritedFrom &&
                        html`<div class="muted small">
                          ${t('inherited', { zone: v.inheritedFrom })}
                        </div>`
                      }
                      ${v.reasons[0] && html`<div class="small reason-line">${v.reasons[0].message}</div>`}
                    </td>`;
                  })}
                </tr>`,
            )}
          </tbody>
        </table>
      </div>`
    }
    ${
      list.data &&
      html`<${Pager}
        offset=${offset}
        limit=${LIMIT}
        total=${list.data.total}
        onChange=${setOffset}
      />`
    }
  </section>`;
}

function DomainCard({ domain }: { domain: string }) {
  const card = useApi<ScorecardDetail>(
    `/api/status/scorecards/${encodeURIComponent(domain)}`,
    undefined,
    {
      pollMs: 60_000,
    },
  );
  return html`
    <p><a href=${href('/scorecards')}>${t('back')}</a></p>
    <h1 id="page-title">${domain}</h1>
    <${ErrorBox} error=${card.error} />
    ${card.loading && !card.data && html`<${Loading} />`}
    ${card.data && html`<${ScorecardCard} card=${card.data} />`}
    ${
      card.updatedAt &&
      html`<p class="muted small">${t('updated', { at: fmtDateTime(card.updatedAt) })}</p>`
    }
  `;
}

export function ScorecardsPage({ domain }: { domain?: string }) {
  const me = useMe();
  const { query } = useLocation();
  if (domain) return html`<${DomainCard} domain=${domain} />`;
  const unit = query.get('unit') ?? me.unitId ?? null;
  return html`
    <h1 id="page-title">${t('title')}</h1>
    <${DomainList} />
    ${
      can(me, 'reports') &&
      html`<${UnitScores}
        initialUnit=${unit}
        onUnit=${(id: string | null) => navigate('/scorecards', { unit: id ?? undefined })}
      />`
    }
  `;
}
