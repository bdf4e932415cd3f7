/**
 * The organisational tree, read one level at a time: a node's children are fetched (paged,
 * `parent=<id>`) only when it is opened, so a province with hundreds of communes costs one
 * small request per opened unit rather than the whole tree up front.
 */
import { useState } from 'preact/hooks';
import type { Page } from '../lib/api';
import { html } from '../lib/html';
import { useApi } from '../lib/hooks';
import { messages } from '../lib/i18n';
import { useMe } from '../lib/session';
import { ErrorBox, Loading } from './ui';
import { localName, Row } from './inventory-types';

const PAGE = 100;

const t = messages({
  vi: {
    tree: 'Cây đơn vị',
    all: 'Toàn tỉnh',
    allMine: 'Toàn bộ đơn vị của tôi',
    expand: 'Mở {name}',
    collapse: 'Thu gọn {name}',
    noChildren: 'Không có đơn vị trực thuộc',
    more: 'Thêm đơn vị ({shown}/{total})',
  },
  en: {
    tree: 'Unit tree',
    all: 'Whole province',
    allMine: 'All of my unit',
    expand: 'Expand {name}',
    collapse: 'Collapse {name}',
    noChildren: 'No sub-units',
    more: 'More units ({shown}/{total})',
  },
});

interface Props {
  /** Id of the selected unit; '' for everything the caller may see. */
  selected: string;
  onSelect: (unitId: string) => void;
}

export function UnitTree({ selected, onSelect }: Props) {
  const me = useMe();
  // A unit-scoped user sees their own unit as the root; everyone else the province(s).
  const mine = useApi<Row>(me.unitId ? `/api/units/${me.unitId}` : null);
  const provinces = useApi<Page<Row>>(me.unitId ? null : '/api/units', {
    kind: 'province',
    limit: 20,
    sort: 'code',
  });
  const roots = me.unitId ? (mine.data ? [mine.data] : []) : (provinces.data?.items ?? []);
  const state = me.unitId ? mine : provinces;
  return html`<nav class="inv-tree" aria-label=${t('tree')} data-testid="inventory-tree">
    <button
      type="button"
      class="inv-unit inv-all"
      aria-current=${selected === '' ? 'true' : undefined}
      onClick=${() => onSelect('')}
    >
      ${me.unitId ? t('allMine') : t('all')}
    </button>
    <${ErrorBox} error=${state.error} />
    ${state.loading && !roots.length && html`<${Loading} />`}
    <ul class="tree">
      ${roots.map(
        (u) =>
          html`<${TreeNode}
            key=${u.id}
            unit=${u}
            selected=${selected}
            onSelect=${onSelect}
            open=${true}
          />`,
      )}
    </ul>
  </nav>`;
}

function TreeNode({
  unit,
  selected,
  onSelect,
  open = false,
}: Props & { unit: Row; open?: boolean }) {
  const [expanded, setExpanded] = useState(open);
  const [leaf, setLeaf] = useState(false);
  const name = localName(unit);
  return html`<li>
    <span class="inv-node">
      ${
        leaf
          ? html`<span class="inv-toggle inv-leaf" title=${t('noChildren')}>·</span>`
          : html`<button
              type="button"
              class="inv-toggle"
              aria-expanded=${expanded ? 'true' : 'false'}
              aria-label=${expanded ? t('collapse', { name }) : t('expand', { name })}
              onClick=${() => setExpanded(!expanded)}
            >
              ${expanded ? '▾' : '▸'}
            </button>`
      }
      <button
        type="button"
        class="inv-unit"
        aria-current=${selected === unit.id ? 'true' : undefined}
        onClick=${() => onSelect(unit.id)}
      >
        ${name} <span class="muted small">${String(unit.code)}</span>
      </button>
    </span>
    ${
      expanded &&
      !leaf &&
      html`<${Children}
        parent=${unit.id}
        selected=${selected}
        onSelect=${onSelect}
        onEmpty=${() => setLeaf(true)}
      />`
    }
  </li>`;
}

function Children({
  parent,
  selected,
  onSelect,
  onEmpty,
}: Props & { parent: string; onEmpty: () => void }) {
  const [limit, setLimit] = useState(PAGE);
  const { data, error, loading } = useApi<Page<Row>>('/api/units', {
    parent,
    limit,
    sort: 'code',
  });
  if (data && data.total === 0) {
    queueMicrotask(onEmpty);
    return null;
  }
  return html`
    <${ErrorBox} error=${error} />
    ${loading && !data && html`<${Loading} />`}
    ${
      data &&
      html`<ul class="tree">
        ${data.items.map(
          (u) =>
            html`<${TreeNode} key=${u.id} unit=${u} selected=${selected} onSelect=${onSelect} />`,
        )}
        ${
          data.total > data.items.length &&
          limit < 500 &&
          html`<li>
            <button type="button" class="inv-more" onClick=${() => setLimit(limit + PAGE)}>
              ${t('more', { shown: data.items.length, total: data.total })}
            </button>
          </li>`
        }
      </ul>`
    }
  `;
}
