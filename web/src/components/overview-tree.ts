import { useState } from 'preact/hooks';
import type { Page } from '../lib/api';
import { fmtNumber } from '../lib/format';
import { html } from '../lib/html';
import { useApi } from '../lib/hooks';
import { lang, messages } from '../lib/i18n';
import { href } from '../lib/router';
import { ErrorBox, Loading, Pager, StateBadge, stateLabel } from './ui';

const t = messages({
  vi: {
    expand: 'Mở rộng {name}',
    collapse: 'Thu gọn {name}',
    noChecks: 'Chưa có kiểm tra',
    noUnits: 'Không có đơn vị nào.',
    checks: '{n} kiểm tra',
    showChecks: 'Xem {n} kiểm tra {state} của {name}',
  },
  en: {
    expand: 'Expand {name}',
    collapse: 'Collapse {name}',
    noChecks: 'No checks yet',
    noUnits: 'No units.',
    checks: '{n} checks',
    showChecks: 'Show the {n} {state} checks of {name}',
  },
});

/** A unit as `GET /api/status/units` gives it: its whole subtree rolled up. */
export interface UnitStatus {
  id: string;
  code: string;
  kind: string;
  name: string;
  nameEn: string | null;
  childCount: number;
  total: number;
  worst: string;
  counts: Record<string, number>;
}

/** The states worth a link from the tree, worst first (up and the rest stay in the total). */
const SHOWN = ['down', 'unreachable', 'degraded'];
const PAGE = 50;
const POLL_MS = 10_000;

const unitName = (u: UnitStatus) => (lang() === 'en' && u.nameEn ? u.nameEn : u.name);

function UnitNode({ unit, initiallyOpen }: { unit: UnitStatus; initiallyOpen: boolean }) {
  const [open, setOpen] = useState(initiallyOpen);
  const name = unitName(unit);
  const childrenId = `unit-children-${unit.id}`;
  return html`<li>
    <div class="ov-node">
      ${
        unit.childCount > 0
          ? html`<button
              type="button"
              class="ov-toggle"
              aria-expanded=${open}
              aria-controls=${childrenId}
              aria-label=${t(open ? 'collapse' : 'expand', { name })}
              onClick=${() => setOpen(!open)}
            >
              <span aria-hidden="true">${open ? '▾' : '▸'}</span>
            </button>`
          : html`<span class="ov-toggle-space" aria-hidden="true"></span>`
      }
      <span class="ov-name">${name} <span class="muted small">${unit.code}</span></span>
      <span class="ov-status">
        ${
          unit.worst === 'none'
            ? html`<span class="muted small">${t('noChecks')}</span>`
            : html`<${StateBadge} state=${unit.worst} />
                ${SHOWN.filter((s) => unit.counts[s] > 0).map(
                  (s) =>
                    html`<a
                      class="small ov-count"
                      href=${href('/', { state: s, unit: unit.code })}
                      aria-label=${t('showChecks', {
                        n: unit.counts[s],
                        state: stateLabel(s).toLowerCase(),
                        name,
                      })}
                      >${fmtNumber(unit.counts[s])} ${stateLabel(s).toLowerCase()}</a
                    >`,
                )}
                <span class="muted small">${t('checks', { n: fmtNumber(unit.total) })}</span>`
        }
      </span>
    </div>
    ${open && html`<div id=${childrenId}><${UnitLevel} parent=${unit.id} /></div>`}
  </li>`;
}

/**
 * One level of the unit tree (a lone top unit, the province or a scoped user's unit, starts
 * open), read when it is first shown (a collapsed unit loads nothing), a
 * page at a time: the tree never asks for more than one level of one unit at once.
 */
export function UnitLevel({ parent }: { parent?: string }) {
  const [offset, setOffset] = useState(0);
  const { data, error, loading } = useApi<Page<UnitStatus>>(
    '/api/status/units',
    { parent, limit: PAGE, offset },
    { pollMs: POLL_MS },
  );
  if (!data) return error ? html`<${ErrorBox} error=${error} />` : loading && html`<${Loading} />`;
  return html`<ul class="tree ov-tree">
      ${data.items.map(
        (u) =>
          html`<${UnitNode} key=${u.id} unit=${u} initiallyOpen=${!parent && data.total === 1} />`,
      )}
    </ul>
    ${data.total === 0 && html`<p class="muted small">${t('noUnits')}</p>`}
    <${Pager} offset=${offset} limit=${PAGE} total=${data.total} onChange=${setOffset} />
    <${ErrorBox} error=${error} />`;
}
