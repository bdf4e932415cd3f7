import { useState } from 'preact/hooks';
import type { Page } from '../lib/api';
import { fmtDateTime, fmtTime } from '../lib/format';
import { html } from '../lib/html';
import { useApi } from '../lib/hooks';
import { messages } from '../lib/i18n';
import { href, navigate, useLocation } from '../lib/router';
import { can, useMe } from '../lib/session';
import { Empty, ErrorBox, Loading, Pager } from '../components/ui';
import {
  ACTIVE_STATUSES,
  categoryLabel,
  Incident,
  INCIDENT_CATEGORIES,
  INCIDENT_SEVERITIES,
  INCIDENT_STATUSES,
  IncidentStatusBadge,
  ReportBadge,
  SeverityBadge,
  severityLabel,
  statusLabel,
} from '../components/incident-common';
import { IncidentForm } from '../components/incident-form';
import { Confirmation } from '../components/incident-fields';
import { useUnits } from '../components/incident-units';
import { UnitSelect } from '../components/incident-units';

const t = messages({
  vi: {
    title: 'Sự cố',
    filters: 'Bộ lọc',
    status: 'Trạng thái',
    active: 'Đang xử lý (chưa khắc phục)',
    all: 'Tất cả',
    severity: 'Mức độ',
    category: 'Loại',
    unit: 'Đơn vị',
    allUnits: 'Mọi đơn vị',
    search: 'Tìm (tiêu đề hoặc số)',
    apply: 'Tìm',
    mine: 'Chỉ sự cố giao cho tôi',
    clear: 'Xóa bộ lọc',
    newIncident: 'Mở sự cố mới',
    number: 'Số',
    incident: 'Sự cố',
    assignee: 'Người xử lý',
    opened: 'Mở lúc',
    report: 'Báo cáo cấp trên',
    due: 'hạn {at}',
    none: 'Không có sự cố nào khớp bộ lọc.',
    caption: 'Danh sách sự cố, mới nhất trước',
    updated: 'Cập nhật lúc {at}; tự làm mới mỗi 15 giây.',
    created: 'Đã mở sự cố #{n}.',
    openIt: 'Xem sự cố',
    nobody: '—',
  },
  en: {
    title: 'Incidents',
    filters: 'Filters',
    status: 'Status',
    active: 'Active (not resolved)',
    all: 'All',
    severity: 'Severity',
    category: 'Category',
    unit: 'Unit',
    allUnits: 'All units',
    search: 'Search (title or number)',
    apply: 'Search',
    mine: 'Only incidents assigned to me',
    clear: 'Clear filters',
    newIncident: 'Open a new incident',
    number: 'No.',
    incident: 'Incident',
    assignee: 'Assignee',
    opened: 'Opened',
    report: 'Upward report',
    due: 'due {at}',
    none: 'No incident matches the filters.',
    caption: 'Incidents, newest first',
    updated: 'Updated at {at}; refreshes every 15 seconds.',
    created: 'Incident #{n} opened.',
    openIt: 'Open it',
    nobody: '—',
  },
});

const PAGE = 25;
const POLL_MS = 15_000;

/**
 * The incidents board: one server-side page of incidents with the filters in the address
 * (`#/incidents?status=active&severity=1`), so a reload or a shared link keeps them.
 */
export function IncidentsPage() {
  const me = useMe();
  const { query } = useLocation();
  const writable = can(me, 'incidents', true);
  const { units, byId, complete } = useUnits();
  const [showForm, setShowForm] = useState(false);
  const [created, setCreated] = useState<Incident | null>(null);

  const f = {
    status: query.get('status') ?? '',
    severity: query.get('severity') ?? '',
    category: query.get('category') ?? '',
    unit: query.get('unit') ?? '',
    q: query.get('q') ?? '',
    mine: query.get('mine') === '1',
    offset: Math.max(0, Number(query.get('offset') ?? 0) || 0),
  };
  const [search, setSearch] = useState(f.q);

  const setFilter = (changes: Partial<Record<keyof typeof f, string | undefined>>) => {
    const next: Record<string, string | undefined> = {
      status: f.status,
      severity: f.severity,
      category: f.category,
      unit: f.unit,
      q: f.q,
      mine: f.mine ? '1' : undefined,
      // Any filter change starts from the first page.
      offset: undefined,
      ...changes,
    };
    navigate('/incidents', next);
  };

  const list = useApi<Page<Incident>>(
    '/api/incidents',
    {
      status: f.status === 'active' ? ACTIVE_STATUSES.join(',') : f.status,
      severity: f.severity,
      category: f.category,
      unit: f.unit,
      q: f.q,
      assignee: f.mine ? me.username : undefined,
      limit: PAGE,
      offset: f.offset,
    },
    { pollMs: POLL_MS },
  );

  const select = (
    id: string,
    label: string,
    value: string,
    options: [string, string][],
    onChange: (v: string) => void,
  ) =>
    html`<div>
      <label for=${id}>${label}</label>
      <select
        id=${id}
        value=${value}
        onChange=${(e: Event) => onChange((e.target as HTMLSelectElement).value)}
      >
        ${options.map(([v, l]) => html`<option value=${v}>${l}</option>`)}
      </select>
    </div>`;

  const filtered = !!(f.status || f.severity || f.category || f.unit || f.q || f.mine);

  return html`
    <div class="inc-head">
      <h1 id="page-title">${t('title')}</h1>
      ${
        writable &&
        !showForm &&
        html`<button
          type="button"
          class="primary"
          data-testid="incident-new"
          onClick=${() => {
            setCreated(null);
            setShowForm(true);
          }}
        >
          + ${t('newIncident')}
        </button>`
      }
    </div>
    <${Confirmation} text=${created ? t('created', { n: created.number }) : null} />
    ${
      created &&
      html`<p><a href=${href(`/incidents/${created.id}`)}>${t('openIt')} #${created.number}</a></p>`
    }
    ${
      showForm &&
      html`<${IncidentForm}
        units=${units}
        unitsComplete=${complete}
        onCancel=${() => setShowForm(false)}
        onCreated=${(i: Incident) => {
          setShowForm(false);
          setCreated(i);
          list.reload();
        }}
      />`
    }
    <section class="card" aria-labelledby="incident-filters-title">
      <h2 id="incident-filters-title" class="visually-hidden">${t('filters')}</h2>
      <div class="toolbar">
        ${select(
          'f-status',
          t('status'),
          f.status,
          [
            ['', t('all')],
            ['active', t('active')],
            ...INCIDENT_STATUSES.map((s): [string, string] => [s, statusLabel(s)]),
          ],
          (v) => setFilter({ status: v }),
        )}
        ${select(
          'f-severity',
          t('severity'),
          f.severity,
          [
            ['', t('all')],
            ...INCIDENT_SEVERITIES.map((s): [string, string] => [String(s), severityLabel(s)]),
          ],
          (v) => setFilter({ severity: v }),
        )}
        ${select(
          'f-category',
          t('category'),
          f.category,
          [
            ['', t('all')],
            ...INCIDENT_CATEGORIES.map((c): [string, string] => [c, categoryLabel(c)]),
          ],
          (v) => setFilter({ category: v }),
        )}
        <div>
          <label for="f-unit">${t('unit')}</label>
          <${UnitSelect}
            id="f-unit"
            value=${f.unit}
            units=${units}
            complete=${complete}
            emptyLabel=${t('allUnits')}
            onChange=${(v: string) => setFilter({ unit: v })}
          />
        </div>
        <form
          class="inc-search"
          role="search"
          onSubmit=${(e: Event) => {
            e.preventDefault();
            setFilter({ q: search.trim() });
          }}
        >
          <label for="f-q">${t('search')}</label>
          <span class="inc-inline">
            <input
              id="f-q"
              type="search"
              maxlength="200"
              value=${search}
              onInput=${(e: Event) => setSearch((e.target as HTMLInputElement).value)}
            />
            <button type="submit">${t('apply')}</button>
          </span>
        </form>
        <div class="inc-check">
          <input
            id="f-mine"
            type="checkbox"
            checked=${f.mine}
            onChange=${(e: Event) =>
              setFilter({ mine: (e.target as HTMLInputElement).checked ? '1' : undefined })}
          />
          <label for="f-mine">${t('mine')}</label>
        </div>
        ${
          filtered &&
          html`<button
            type="button"
            onClick=${() => {
              setSearch('');
              navigate('/incidents');
            }}
          >
            ${t('clear')}
          </button>`
        }
      </div>
      <${ErrorBox} error=${list.error} />
      ${!list.data && list.loading && html`<${Loading} />`}
      ${
        list.data &&
        (list.data.items.length === 0
          ? html`<div data-testid="incident-list"><${Empty}>${t('none')}</${Empty}></div>`
          : html`<div class="table-wrap">
              <table data-testid="incident-list" class="inc-table inc-stack">
                <caption class="visually-hidden">
                  ${t('caption')}
                </caption>
                <thead>
                  <tr>
                    <th scope="col" class="num">${t('number')}</th>
                    <th scope="col">${t('incident')}</th>
                    <th scope="col">${t('severity')}</th>
                    <th scope="col">${t('status')}</th>
                    <th scope="col">${t('unit')}</th>
                    <th scope="col">${t('assignee')}</th>
                    <th scope="col">${t('opened')}</th>
                    <th scope="col">${t('report')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${list.data.items.map((i) => {
                    const unit = i.unitId ? byId.get(i.unitId) : undefined;
                    return html`<tr data-testid="incident-row" key=${i.id}>
                      <td class="num inc-c-num">#${i.number}</td>
                      <td class="inc-c-title">
                        <a href=${href(`/incidents/${i.id}`)}>${i.title}</a>
                        <div class="muted small">${categoryLabel(i.category)}</div>
                      </td>
                      <td class="inc-c-badge"><${SeverityBadge} severity=${i.severity} /></td>
                      <td class="inc-c-badge"><${IncidentStatusBadge} status=${i.status} /></td>
                      <td data-label=${t('unit')}>
                        ${unit ? html`<span title=${unit.name}>${unit.code}</span>` : '—'}
                      </td>
                      <td data-label=${t('assignee')}>${i.assignee ?? t('nobody')}</td>
                      <td data-label=${t('opened')}>${fmtDateTime(i.openedAt)}</td>
                      <td data-label=${t('report')}>
                        <${ReportBadge} incident=${i} />
                        ${
                          !i.reportedAt &&
                          html`<div class="muted small">
                            ${t('due', { at: fmtDateTime(i.reportDueAt) })}
                          </div>`
                        }
                      </td>
                    </tr>`;
                  })}
                </tbody>
              </table>
            </div>`)
      }
      ${
        list.data &&
        html`<${Pager}
          offset=${f.offset}
          limit=${PAGE}
          total=${list.data.total}
          onChange=${(o: number) => setFilter({ offset: o ? String(o) : undefined })}
        />`
      }
      ${
        list.updatedAt &&
        html`<p class="muted small">${t('updated', { at: fmtTime(list.updatedAt) })}</p>`
      }
    </section>
  `;
}
