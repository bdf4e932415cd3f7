import { useMemo } from 'preact/hooks';
import type { Page } from '../lib/api';
import { html } from '../lib/html';
import { useApi } from '../lib/hooks';
import { lang } from '../lib/i18n';

/** A unit as `GET /api/units` returns it (the fields the pickers need). */
export interface UnitRef {
  id: string;
  code: string;
  name: string;
  nameEn: string | null;
}

/**
 * The units a picker offers: one bounded request (a province has about a hundred units, the API
 * allows 500 a page). Beyond that the pickers fall back to typing a unit code.
 */
const UNIT_LIMIT = 500;

export function useUnits() {
  const state = useApi<Page<UnitRef>>('/api/units', { limit: UNIT_LIMIT, sort: 'code' });
  const byId = useMemo(() => {
    const m = new Map<string, UnitRef>();
    for (const u of state.data?.items ?? []) m.set(u.id, u);
    return m;
  }, [state.data]);
  // Until the list arrives the picker is a (short) select; a failed or partial list means typing.
  const complete = state.error
    ? false
    : state.data
      ? state.data.total <= state.data.items.length
      : true;
  return { units: state.data?.items ?? [], byId, complete, error: state.error };
}

export function unitName(u: UnitRef): string {
  return lang() === 'en' && u.nameEn ? u.nameEn : u.name;
}

/**
 * A unit picker: a <select> of the units (by code or id), or a text box for the code when the
 * list is larger than one page. `id` ties it to its <label for>.
 */
export function UnitSelect({
  id,
  value,
  onChange,
  emptyLabel,
  valueKey = 'code',
  units,
  complete,
  invalid,
  describedBy,
}: {
  id: string;
  value: string;
  onChange: (value: string) => void;
  emptyLabel: string;
  valueKey?: 'code' | 'id';
  units: UnitRef[];
  complete: boolean;
  invalid?: boolean;
  describedBy?: string;
}) {
  if (!complete && valueKey === 'code')
    return html`<input
      id=${id}
      class="inc-unit"
      value=${value}
      maxlength="64"
      aria-invalid=${invalid ? 'true' : undefined}
      aria-describedby=${describedBy}
      onChange=${(e: Event) => onChange((e.target as HTMLInputElement).value.trim())}
    />`;
  return html`<select
    id=${id}
    class="inc-unit"
    value=${value}
    aria-invalid=${invalid ? 'true' : undefined}
    aria-describedby=${describedBy}
    onChange=${(e: Event) => onChange((e.target as HTMLSelectElement).value)}
  >
    <option value="">${emptyLabel}</option>
    ${units.map(
      (u) =>
        html`<option value=${valueKey === 'code' ? u.code : u.id}>
          ${u.code} – ${unitName(u)}
        </option>`,
    )}
  </select>`;
}
