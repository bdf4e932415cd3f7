/**
 * One inventory object: its attributes, its checks (state and reasons), history charts, its
 * incidents and its change log. Every list is paged or bounded on the server.
 */
import { useState } from 'preact/hooks';
import type { Page } from '../lib/api';
import { fmtDateTime } from '../lib/format';
import { html } from '../lib/html';
import { useApi } from '../lib/hooks';
import { messages } from '../lib/i18n';
import { href } from '../lib/router';
import { can, useMe } from '../lib/session';
import { Empty, ErrorBox, Loading, Pager, StateBadge } from '../components/ui';
import {
  fieldLabel,
  localName,
  Row,
  typeDef,
  typeLabel,
  valueLabel,
} from '../components/inventory-types';
import {
  ACTIVE_STATUSES,
  Incident,
  IncidentStatusBadge,
  SeverityBadge,
} from '../components/incident-common';
import { checkName, ObjectHistory } from '../components/object-history';

const t = messages({
  vi: {
    unknownType: 'Không có loại đối tượng “{type}”.',
    summary: 'Thông tin',
    edit: 'Sửa trong danh mục',
    created: 'Tạo lúc',
    updated: 'Cập nhật lúc',
    yes: 'Có',
    no: 'Không',
    checks: 'Kiểm tra',
    checksOfUnit: 'Kiểm tra của đơn vị và các đơn vị trực thuộc',
    noChecks: 'Đối tượng này không có kiểm tra nào.',
    check: 'Kiểm tra',
    state: 'Trạng thái',
    since: 'Từ lúc',
    lastResult: 'Kết quả gần nhất',
    reasons: 'Lý do',
    disabled: 'đã tắt',
    incidents: 'Sự cố',
    open: 'Đang mở',
    recent: 'Đã khắc phục gần đây',
    noOpen: 'Không có sự cố đang mở.',
    noRecent: 'Không có sự cố đã khắc phục.',
    number: 'Số',
    title: 'Tiêu đề',
    severity: 'Mức độ',
    status: 'Trạng thái',
    opened: 'Mở lúc',
    resolved: 'Khắc phục lúc',
    changes: 'Nhật ký thay đổi',
    noChanges: 'Chưa có thay đổi nào được ghi.',
    at: 'Thời điểm',
    actor: 'Người thực hiện',
    action: 'Thao tác',
    fields: 'Nội dung',
    create: 'Tạo mới',
    update: 'Sửa',
    delete: 'Xóa',
    more: '… và {n} trường khác',
    caption: 'Các kiểm tra và trạng thái hiện tại',
    scorecard: 'Xem bảng điểm của {domain}',
  },
  en: {
    unknownType: 'No object type “{type}”.',
    summary: 'Details',
    edit: 'Edit in the inventory',
    created: 'Created',
    updated: 'Updated',
    yes: 'Yes',
    no: 'No',
    checks: 'Checks',
    checksOfUnit: 'Checks of the unit and the units below it',
    noChecks: 'This object has no checks.',
    check: 'Check',
    state: 'State',
    since: 'Since',
    lastResult: 'Latest result',
    reasons: 'Reasons',
    disabled: 'disabled',
    incidents: 'Incidents',
    open: 'Open',
    recent: 'Recently resolved',
    noOpen: 'No open incident.',
    noRecent: 'No resolved incident.',
    number: 'No.',
    title: 'Title',
    severity: 'Severity',
    status: 'Status',
    opened: 'Opened',
    resolved: 'Resolved',
    changes: 'Change log',
    noChanges: 'No change recorded yet.',
    at: 'When',
    actor: 'By',
    action: 'Action',
    fields: 'Changes',
    create: 'Created',
    update: 'Updated',
    delete: 'Deleted',
    more: '… and {n} more fields',
    caption: 'Checks and their current state',
    scorecard: 'See the scorecard of {domain}',
  },
});

/** Types the status API has checks for (object_type of a check). */
const CHECKED_TYPES = ['service', 'device', 'circuit'];
/** Types an incident can link to (incident_links.object_type). */
const INCIDENT_TYPES = ['service', 'device', 'circuit', 'site'];
const POLL_MS = 30_000;

interface CheckStatus {
  id: string;
  key: string;
  kind: string;
  family: number | null;
  objectType: string;
  objectId: string;
  enabled: boolean;
  state: string;
  since: string | null;
  lastResultAt: string | null;
  reasons: { code: string; message: string }[];
}

interface ChangeEntry {
  id: string;
  at: string;
  actor: string;
  source: string;
  action: 'create' | 'update' | 'delete';
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

const showValue = (v: unknown): string => {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? t('yes') : t('no');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
};

function UnitName({ id }: { id: string }) {
  const unit = useApi<Row>(`/api/units/${id}`);
  const name = unit.data ? `${String(unit.data.code)} — ${localName(unit.data)}` : id;
  return html`<a href=${href(`/objects/unit/${id}`)}>${name}</a>`;
}

function Summary({ type, object }: { type: string; object: Row }) {
  const me = useMe();
  const def = typeDef(type)!;
  const fields = def.fields.filter((f) => !f.secret && !f.name.includes('.'));
  const value = (name: string, kind: string, ref?: string) => {
    const v = object[name];
    if (v === null || v === undefined || v === '') return html`<span class="muted">—</span>`;
    if (kind === 'ref' && ref === 'unit' && typeof v === 'string')
      return html`<${UnitName} id=${v} />`;
    if (kind === 'ref' && typeof v === 'string' && ['site', 'device'].includes(ref ?? ''))
      return html`<a href=${href(`/objects/${ref}/${v}`)}>${ref}</a>`;
    if (kind === 'bool') return showValue(v);
    if (kind === 'enum') return valueLabel(v);
    if (kind === 'url' && typeof v === 'string') return html`<span>${v}</span>`;
    return showValue(v);
  };
  const domain = type === 'service' ? String(object.hostname ?? '') : '';
  return html`<section class="card" aria-labelledby="summary-h">
    <header class="card-head">
      <h2 id="summary-h">${t('summary')}</h2>
      ${
        can(me, 'inventory', true) &&
        html`<a class="button" href=${href(`/inventory/${def.type}/${object.id}`)}>${t('edit')}</a>`
      }
    </header>
    <dl class="attrs">
      ${fields.map(
        (f) =>
          html`<dt>${fieldLabel(f.name) || f.name}</dt>
            <dd>${value(f.name, f.kind, f.ref)}</dd>`,
      )}
      <dt>${t('created')}</dt>
      <dd>${fmtDateTime(object.createdAt as string)}</dd>
      <dt>${t('updated')}</dt>
      <dd>${fmtDateTime(object.updatedAt as string)}</dd>
    </dl>
    ${
      domain &&
      can(me, 'monitoring') &&
      html`<p>
        <a href=${href(`/scorecards/${encodeURIComponent(domain.toLowerCase())}`)}
          >${t('scorecard', { domain })}</a
        >
      </p>`
    }
  </section>`;
}

function Checks({ type, id }: { type: string; id: string }) {
  const [offset, setOffset] = useState(0);
  const limit = 50;
  const query = type === 'unit' ? { unit: id } : { objectType: type, objectId: id };
  const checks = useApi<Page<CheckStatus>>(
    '/api/status/checks',
    { ...query, limit, offset },
    { pollMs: POLL_MS },
  );
  const items = checks.data?.items ?? [];
  return html`
    <section class="card" data-testid="object-checks" aria-labelledby="checks-h">
      <header class="card-head">
        <h2 id="checks-h">${type === 'unit' ? t('checksOfUnit') : t('checks')}</h2>
      </header>
      <${ErrorBox} error=${checks.error} />
      ${checks.loading && !checks.data && html`<${Loading} />`}
      ${checks.data && items.length === 0 && html`<${Empty}>${t('noChecks')}<//>`}
      ${
        items.length > 0 &&
        html`<div class="table-wrap" tabindex="0" role="region" aria-labelledby="checks-h">
          <table class="wide-table">
            <caption class="sr-only">
              ${t('caption')}
            </caption>
            <thead>
              <tr>
                <th scope="col">${t('check')}</th>
                <th scope="col">${t('state')}</th>
                <th scope="col">${t('since')}</th>
                <th scope="col">${t('lastResult')}</th>
                <th scope="col">${t('reasons')}</th>
              </tr>
            </thead>
            <tbody>
              ${items.map(
                (c) =>
                  html`<tr key=${c.id}>
                    <td>
                      <strong>${checkName(c)}</strong>
                      ${!c.enabled && html` <span class="muted small">(${t('disabled')})</span>`}
                      ${
                        type === 'unit' &&
                        html`<div>
                          <a class="small" href=${href(`/objects/${c.objectType}/${c.objectId}`)}
                            >${typeLabel(c.objectType)}</a
                          >
                        </div>`
                      }
                    </td>
                    <td><${StateBadge} state=${c.state} /></td>
                    <td>${fmtDateTime(c.since)}</td>
                    <td>${fmtDateTime(c.lastResultAt)}</td>
                    <td>
                      ${
                        c.reasons.length === 0
                          ? html`<span class="muted">—</span>`
                          : html`<ul class="reasons small">
                              ${c.reasons.slice(0, 5).map((r) => html`<li>${r.message}</li>`)}
                            </ul>`
                      }
                    </td>
                  </tr>`,
              )}
            </tbody>
          </table>
        </div>`
      }
      ${
        checks.data &&
        html`<${Pager}
          offset=${offset}
          limit=${limit}
          total=${checks.data.total}
          onChange=${setOffset}
        />`
      }
    </section>
    ${items.length > 0 && html`<${ObjectHistory} checks=${items} />`}
  `;
}

function IncidentTable({ items, resolved }: { items: Incident[]; resolved: boolean }) {
  return html`<div class="table-wrap">
    <table class="wide-table">
      <thead>
        <tr>
          <th scope="col">${t('number')}</th>
          <th scope="col">${t('title')}</th>
          <th scope="col">${t('severity')}</th>
          <th scope="col">${t('status')}</th>
          <th scope="col">${resolved ? t('resolved') : t('opened')}</th>
        </tr>
      </thead>
      <tbody>
        ${items.map(
          (i) =>
            html`<tr key=${i.id}>
              <td><a href=${href(`/incidents/${i.id}`)}>#${i.number}</a></td>
              <td><a href=${href(`/incidents/${i.id}`)}>${i.title}</a></td>
              <td><${SeverityBadge} severity=${i.severity} /></td>
              <td><${IncidentStatusBadge} status=${i.status} /></td>
              <td>${fmtDateTime(resolved ? i.resolvedAt : i.openedAt)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

function Incidents({ type, id }: { type: string; id: string }) {
  const base = type === 'unit' ? { unit: id } : { objectType: type, objectId: id };
  const open = useApi<Page<Incident>>(
    '/api/incidents',
    { ...base, status: ACTIVE_STATUSES.join(','), limit: 20 },
    { pollMs: POLL_MS },
  );
  const recent = useApi<Page<Incident>>(
    '/api/incidents',
    { ...base, status: 'resolved,closed', limit: 10 },
    { pollMs: POLL_MS },
  );
  const more = (p?: Page<Incident>) =>
    p && p.total > p.items.length
      ? html`<p class="small">
          <a href=${href('/incidents')}>${p.items.length} / ${p.total}</a>
        </p>`
      : null;
  return html`<section class="card" data-testid="object-incidents" aria-labelledby="inc-h">
    <header class="card-head"><h2 id="inc-h">${t('incidents')}</h2></header>
    <h3>${t('open')}</h3>
    <${ErrorBox} error=${open.error} />
    ${open.loading && !open.data && html`<${Loading} />`}
    ${
      open.data &&
      (open.data.items.length
        ? html`<${IncidentTable} items=${open.data.items} resolved=${false} />`
        : html`<${Empty}>${t('noOpen')}<//>`)
    }
    ${more(open.data)}
    <h3>${t('recent')}</h3>
    <${ErrorBox} error=${recent.error} />
    ${
      recent.data &&
      (recent.data.items.length
        ? html`<${IncidentTable} items=${recent.data.items} resolved=${true} />`
        : html`<${Empty}>${t('noRecent')}<//>`)
    }
  </section>`;
}

/** The fields an update changed (before → after), at most 12 listed. */
function Diff({ e, enums }: { e: ChangeEntry; enums: string[] }) {
  // Enumerations in words, like the summary (other values as they are).
  const show = (k: string, v: unknown) => (enums.includes(k) ? valueLabel(v) : showValue(v));
  const before = e.before ?? {};
  const after = e.after ?? {};
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (k) => !['id', 'createdAt', 'updatedAt', 'searchText'].includes(k),
  );
  const changed =
    e.action === 'update'
      ? keys.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
      : keys.filter((k) => (e.action === 'create' ? after[k] : before[k]) != null);
  const shown = changed.slice(0, 12);
  return html`<ul class="reasons small">
    ${shown.map((k) => {
      const label = fieldLabel(k) || k;
      if (e.action === 'create')
        return html`<li class="diff-add">${label}: ${show(k, after[k])}</li>`;
      if (e.action === 'delete')
        return html`<li class="diff-remove">${label}: ${show(k, before[k])}</li>`;
      return html`<li class="diff-change">
        ${label}: ${show(k, before[k])} → ${show(k, after[k])}
      </li>`;
    })}
    ${
      changed.length > shown.length &&
      html`<li class="muted">${t('more', { n: changed.length - shown.length })}</li>`
    }
  </ul>`;
}

function Changes({ type, id }: { type: string; id: string }) {
  const enums = (typeDef(type)?.fields ?? []).filter((f) => f.kind === 'enum').map((f) => f.name);
  const [offset, setOffset] = useState(0);
  const limit = 10;
  const log = useApi<Page<ChangeEntry>>(`/api/change-log/objects/${type}/${id}`, {
    limit,
    offset,
  });
  const items = log.data?.items ?? [];
  return html`<section class="card" data-testid="object-changes" aria-labelledby="changes-h">
    <header class="card-head"><h2 id="changes-h">${t('changes')}</h2></header>
    <${ErrorBox} error=${log.error} />
    ${log.loading && !log.data && html`<${Loading} />`}
    ${log.data && items.length === 0 && html`<${Empty}>${t('noChanges')}<//>`}
    ${
      items.length > 0 &&
      html`<div class="table-wrap" tabindex="0" role="region" aria-labelledby="changes-h">
        <table class="wide-table">
          <thead>
            <tr>
              <th scope="col">${t('at')}</th>
              <th scope="col">${t('actor')}</th>
              <th scope="col">${t('action')}</th>
              <th scope="col">${t('fields')}</th>
            </tr>
          </thead>
          <tbody>
            ${items.map(
              (e) =>
                html`<tr key=${e.id}>
                  <td>${fmtDateTime(e.at)}</td>
                  <td>
                    ${e.actor}
                    <div class="muted small">${e.source}</div>
                  </td>
                  <td>${t(e.action)}</td>
                  <td><${Diff} e=${e} enums=${enums} /></td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>`
    }
    ${
      log.data &&
      html`<${Pager}
        offset=${offset}
        limit=${limit}
        total=${log.data.total}
        onChange=${setOffset}
      />`
    }
  </section>`;
}

export function ObjectDetailPage({ type, id }: { type: string; id: string }) {
  const me = useMe();
  const def = typeDef(type);
  const object = useApi<Row>(def ? `/api/${def.path}/${encodeURIComponent(id)}` : null);
  if (!def)
    return html`<h1 id="page-title">${type}</h1>
      <p class="error" role="alert">${t('unknownType', { type })}</p>`;
  const o = object.data;
  // The heading is the object's name where it has one (a service: "Cổng thông tin…"), with
  // its natural key (host name, circuit id) under it; else the natural key.
  const key = o ? String(o[def.titleField] ?? '') : '';
  const name = o ? (o.name ? localName(o) : key || id) : '';
  return html`
    <p class="muted small">${typeLabel(def.type)}</p>
    <h1 id="page-title">${o ? name : typeLabel(def.type)}</h1>
    ${o && key && key !== name && html`<p class="object-key"><code>${key}</code></p>`}
    <${ErrorBox} error=${object.error} />
    ${object.loading && !o && html`<${Loading} />`}
    ${
      o &&
      html`
        <${Summary} type=${def.type} object=${o} />
        ${
          can(me, 'monitoring') &&
          (CHECKED_TYPES.includes(def.type) || def.type === 'unit') &&
          html`<${Checks} type=${def.type} id=${o.id} />`
        }
        ${
          can(me, 'incidents') &&
          (INCIDENT_TYPES.includes(def.type) || def.type === 'unit') &&
          html`<${Incidents} type=${def.type} id=${o.id} />`
        }
        <${Changes} type=${def.type} id=${o.id} />
      `
    }
  `;
}
