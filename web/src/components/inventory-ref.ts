/**
 * Pickers for references between inventory objects (a device's unit, a VLAN's site, …). A
 * province has thousands of objects, so a picker never lists them all: it shows the first
 * matches of a server-side search (`q`, `limit`) in a plain <select>, which keyboards and
 * screen readers already know how to use.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Page } from '../lib/api';
import { html } from '../lib/html';
import { useApi } from '../lib/hooks';
import { messages } from '../lib/i18n';
import { lowerFirst, RefKind, REFS, Row, typeLabel } from './inventory-types';

const LIMIT = 25;

const t = messages({
  vi: {
    search: 'Tìm {what}',
    searchPh: 'Gõ để tìm…',
    none: '— Không có —',
    choose: '— Chọn —',
    more: 'Hiện {shown} trên {total}; gõ để thu hẹp.',
    device: 'Thiết bị của giao diện',
    pickDevice: 'Chọn thiết bị trước',
    loading: 'Đang tải…',
  },
  en: {
    search: 'Search {what}',
    searchPh: 'Type to search…',
    none: '— None —',
    choose: '— Choose —',
    more: 'Showing {shown} of {total}; type to narrow down.',
    device: 'Device of the interface',
    pickDevice: 'Choose a device first',
    loading: 'Loading…',
  },
});

/** `value`, once it has stopped changing for `ms`. */
export function useDebounced<T>(value: T, ms = 300): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export interface RefPickerProps {
  id: string;
  kind: RefKind;
  value: string | null;
  onChange: (id: string | null) => void;
  required?: boolean;
  invalid?: boolean;
  describedBy?: string;
  disabled?: boolean;
  /** Extra list filters, e.g. `{ device: id }` for interfaces. */
  query?: Record<string, string>;
  /** Placeholder option when nothing can be chosen yet. */
  emptyText?: string;
}

export function RefPicker(props: RefPickerProps) {
  const { id, kind, value, onChange, required, invalid, describedBy, disabled, query } = props;
  const ref = REFS[kind];
  const [q, setQ] = useState('');
  const settled = useDebounced(q);
  const list = useApi<Page<Row>>(disabled ? null : `/api/${ref.path}`, {
    q: settled,
    limit: LIMIT,
    sort: ref.sort,
    ...query,
  });
  const items = list.data?.items ?? [];
  const listed = value !== null && items.some((o) => o.id === value);
  // The chosen object may be outside the first matches: read it on its own to name it.
  const current = useApi<Row>(value && !listed ? `/api/${ref.path}/${value}` : null);
  const what = lowerFirst(typeLabel(kind));
  return html`<div class="inv-ref">
    <input
      type="search"
      class="inv-ref-search"
      aria-label=${t('search', { what })}
      placeholder=${t('searchPh')}
      value=${q}
      disabled=${disabled}
      onInput=${(e: Event) => setQ((e.target as HTMLInputElement).value)}
    />
    <select
      id=${id}
      required=${required}
      disabled=${disabled}
      aria-invalid=${invalid ? 'true' : undefined}
      aria-describedby=${describedBy}
      aria-busy=${list.loading ? 'true' : undefined}
      onChange=${(e: Event) => onChange((e.target as HTMLSelectElement).value || null)}
    >
      <option value="" selected=${!value}>
        ${props.emptyText ?? (required ? t('choose') : t('none'))}
      </option>
      ${
        value &&
        !listed &&
        html`<option value=${value} selected>
          ${current.data ? ref.label(current.data) : t('loading')}
        </option>`
      }
      ${items.map(
        (o) =>
          html`<option key=${o.id} value=${o.id} selected=${o.id === value}>
            ${ref.label(o)}
          </option>`,
      )}
    </select>
    ${
      list.data &&
      list.data.total > items.length &&
      html`<span class="muted small">
        ${t('more', { shown: items.length, total: list.data.total })}
      </span>`
    }
  </div>`;
}

/**
 * An interface is named only within its device ("Gi0/0/1" exists on every router), so the
 * picker asks for the device first and then lists that device's interfaces.
 */
export function InterfacePicker(props: Omit<RefPickerProps, 'kind' | 'query'>) {
  const { id, value } = props;
  const [deviceId, setDeviceId] = useState<string | null>(null);
  const stored = useApi<Row>(value && !deviceId ? `/api/interfaces/${value}` : null);
  useEffect(() => {
    const d = stored.data?.deviceId;
    if (typeof d === 'string') setDeviceId(d);
  }, [stored.data]);
  return html`<div class="inv-iface">
    <label class="inv-sub" for=${`${id}-device`}>${t('device')}</label>
    <${RefPicker}
      id=${`${id}-device`}
      kind="device"
      value=${deviceId}
      disabled=${props.disabled}
      onChange=${(d: string | null) => {
        setDeviceId(d);
        if (d !== deviceId) props.onChange(null);
      }}
    />
    <${RefPicker}
      ...${props}
      kind="interface"
      disabled=${props.disabled || !deviceId}
      emptyText=${deviceId ? undefined : t('pickDevice')}
      query=${deviceId ? { device: deviceId } : undefined}
    />
  </div>`;
}
