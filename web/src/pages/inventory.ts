import { useEffect, useState } from 'preact/hooks';
import type { Page } from '../lib/api';
import { fmtDate, fmtNumber } from '../lib/format';
import { html } from '../lib/html';
import { useApi } from '../lib/hooks';
import { messages } from '../lib/i18n';
import { href, navigate, useLocation } from '../lib/router';
import { can, useMe } from '../lib/session';
import { Empty, ErrorBox, Loading, Pager } from '../components/ui';
import { UnitTree } from '../components/inventory-tree';
import { useDebounced } from '../components/inventory-ref';
import {
  ColumnDef,
  fieldLabel,
  localName,
  Row,
  TypeDef,
  typeDef,
  typeLabel,
  lowerFirst,
  TYPES,
  valueLabel,
} from '../components/inventory-types';

const LIMIT = 25;

const t = messages({
  vi: {
    title: 'Danh mục',
    type: 'Loại đối tượng',
    search: 'Tìm kiếm',
    searchPh: 'Tên, mã, địa chỉ…',
    new: 'Thêm {what}',
    import: 'Nhập từ tệp',
    whole: 'toàn tỉnh',
    wholeMine: 'toàn bộ đơn vị của tôi',
    count: '{n} đối tượng',
    countOne: '1 đối tượng',
    edit: 'Sửa',
    editLabel: 'Sửa {name}',
    actions: 'Thao tác',
    yes: 'Có',
    no: 'Không',
    none: 'Không có đối tượng nào khớp.',
    listOf: '{what} – {where}',
  },
  en: {
    title: 'Inventory',
    type: 'Object type',
    search: 'Search',
    searchPh: 'Name, code, address…',
    new: 'New {what}',
    import: 'Import a file',
    whole: 'whole province',
    wholeMine: 'all of my unit',
    count: '{n} objects',
    countOne: '1 object',
    edit: 'Edit',
    editLabel: 'Edit {name}',
    actions: 'Actions',
    yes: 'Yes',
    no: 'No',
    none: 'No objects match.',
    listOf: '{what} – {where}',
  },
});

/** Browse the unit tree and, for the chosen unit's subtree, a paged and searchable object list. */
export function InventoryPage() {
  const me = useMe();
  const writer = can(me, 'inventory', true);
  const { query } = useLocation();
  const def = typeDef(query.get('type') ?? '') ?? TYPES[0];
  const unit = query.get('unit') ?? '';
  const q = query.get('q') ?? '';
  const offset = Math.max(0, Number(query.get('offset')) || 0);
  const go = (patch: Record<string, string | number | undefined>) =>
    navigate('/inventory', { type: def.type, unit, q, offset, ...patch });

  const [typed, setTyped] = useState(q);
  const settled = useDebounced(typed);
  useEffect(() => {
    if (settled !== q) go({ q: settled, offset: undefined });
  }, [settled]);

  const list = useApi<Page<Row>>(`/api/${def.path}`, { limit: LIMIT, offset, q, unit });
  // While another type or unit loads, the previous page stays on screen (dimmed), shown with
  // the columns of the type it was read for.
  const [dataDef, setDataDef] = useState<TypeDef>(def);
  useEffect(() => setDataDef(def), [list.updatedAt]);
  const unitRow = useApi<Row>(unit ? `/api/units/${unit}` : null);
  const where = unit
    ? unitRow.data
      ? localName(unitRow.data)
      : '…'
    : me.unitId
      ? t('wholeMine')
      : t('whole');

  return html`
    <h1 id="page-title">${t('title')}</h1>
    <div class="inv-layout">
      <aside class="card inv-side">
        <${UnitTree}
          selected=${unit}
          onSelect=${(id: string) => go({ unit: id || undefined, offset: undefined })}
        />
      </aside>
      <section class="card inv-main" aria-labelledby="inv-list-title">
        <header class="card-head">
          <h2 id="inv-list-title">${t('listOf', { what: typeLabel(def.type, true), where })}</h2>
          ${
            writer &&
            html`<span class="inv-actions">
              <a class="button" href=${href('/inventory/import')}>${t('import')}</a>
              <a
                class="button primary"
                data-testid="inventory-new"
                href=${href(`/inventory/${def.type}/new`, { unit: unit || undefined })}
                >${t('new', { what: lowerFirst(typeLabel(def.type)) })}</a
              >
            </span>`
          }
        </header>
        <div class="toolbar">
          <div>
            <label for="inv-type">${t('type')}</label>
            <select
              id="inv-type"
              data-testid="inventory-type"
              onChange=${(e: Event) =>
                go({ type: (e.target as HTMLSelectElement).value, offset: undefined })}
            >
              ${TYPES.map(
                (d) =>
                  html`<option value=${d.type} selected=${d.type === def.type}>
                    ${typeLabel(d.type, true)}
                  </option>`,
              )}
            </select>
          </div>
          <div class="inv-search">
            <label for="inv-search">${t('search')}</label>
            <input
              id="inv-search"
              type="search"
              data-testid="inventory-search"
              placeholder=${t('searchPh')}
              value=${typed}
              onInput=${(e: Event) => setTyped((e.target as HTMLInputElement).value)}
            />
          </div>
          ${
            list.data &&
            !list.loading &&
            html`<p class="muted small inv-count" role="status">
              ${list.data.total === 1 ? t('countOne') : t('count', { n: fmtNumber(list.data.total) })}
            </p>`
          }
        </div>
        <${ErrorBox} error=${list.error} />
        <div
          data-testid="inventory-list"
          class=${list.loading && list.data ? 'inv-stale' : undefined}
          aria-busy=${list.loading ? 'true' : 'false'}
        >
          ${list.loading && html`<${Loading} />`}
          ${
            list.data &&
            (list.data.items.length === 0
              ? html`<${Empty}>${t('none')}</${Empty}>`
              : html`<${ObjectTable} def=${dataDef} items=${list.data.items} writer=${writer} />`)
          }
        </div>
        ${
          list.data &&
          html`<${Pager}
            offset=${offset}
            limit=${LIMIT}
            total=${list.data.total}
            onChange=${(o: number) => go({ offset: o || undefined })}
          />`
        }
      </section>
    </div>
  `;
}

function ObjectTable({ def, items, writer }: { def: TypeDef; items: Row[]; writer: boolean }) {
  return html`<div class="table-wrap">
    <table>
      <thead>
        <tr>
          ${def.columns.map(
            (c) =>
              html`<th scope="col" class=${c.kind === 'num' ? 'num' : undefined}>
                ${fieldLabel(c.field)}
              </th>`,
          )}
          ${writer && html`<th scope="col"><span class="inv-sr">${t('actions')}</span></th>`}
        </tr>
      </thead>
      <tbody>
        ${items.map((o) => {
          const name = String(o[def.titleField] ?? o.id);
          return html`<tr key=${o.id}>
            ${def.columns.map((c, i) =>
              i === 0
                ? html`<th scope="row">
                    <a href=${href(`/objects/${def.type}/${o.id}`)}>${cell(c, o)}</a>
                  </th>`
                : html`<td class=${c.kind === 'num' ? 'num' : undefined}>${cell(c, o)}</td>`,
            )}
            ${
              writer &&
              html`<td>
                <a
                  href=${href(`/inventory/${def.type}/${o.id}`)}
                  aria-label=${t('editLabel', { name })}
                  >${t('edit')}</a
                >
              </td>`
            }
          </tr>`;
        })}
      </tbody>
    </table>
  </div>`;
}

function cell(c: ColumnDef, o: Row): string {
  // Units and sites have an English name: show it when English is chosen.
  const v = c.field === 'name' ? localName(o) : o[c.field];
  if (v === null || v === undefined || v === '') return '—';
  switch (c.kind) {
    case 'enum':
      return valueLabel(v);
    case 'bool':
      return v ? t('yes') : t('no');
    case 'date':
      return fmtDate(String(v));
    case 'num':
      return fmtNumber(Number(v));
    default:
      return String(v);
  }
}
