/**
 * Pieces shared by the admin tabs: labels of the API's enums, field errors next to inputs, a
 * bounded unit picker, unit names looked up one by one, a secret shown once, and an inline
 * confirmation (no window.confirm: it is keyboard- and test-friendly and can be read aloud).
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, Page } from '../lib/api';
import { html } from '../lib/html';
import { lang, messages } from '../lib/i18n';
import { Empty, ErrorBox, Loading } from './ui';

export const tc = messages({
  vi: {
    save: 'Lưu',
    create: 'Tạo',
    cancel: 'Hủy',
    edit: 'Sửa',
    delete: 'Xóa',
    confirmDelete: 'Xóa mục này?',
    yesDelete: 'Có, xóa',
    actions: 'Thao tác',
    saving: 'Đang lưu…',
    saved: 'Đã lưu.',
    deleted: 'Đã xóa.',
    yes: 'Có',
    no: 'Không',
    enabled: 'Bật',
    disabled: 'Tắt',
    name: 'Tên',
    all: 'Tất cả',
    allUnits: 'Mọi đơn vị',
    unitSearch: 'Tìm đơn vị (mã hoặc tên)',
    unitSearchHint: 'Gõ để tìm; tối đa {n} kết quả.',
    unitNone: 'Không có đơn vị phù hợp.',
    unitMore: 'Còn {n} đơn vị khác: gõ cụ thể hơn.',
    unitChosen: 'Đã chọn: {unit}',
    unitClear: 'Bỏ chọn đơn vị',
    choose: 'Chọn',
    copy: 'Sao chép',
    copied: 'Đã sao chép.',
    copyFailed: 'Không sao chép được: hãy chọn và sao chép thủ công.',
    onceWarning:
      'Chỉ hiển thị MỘT lần. Hãy sao chép và cất giữ an toàn ngay: sau khi đóng sẽ không xem lại được.',
    onceDone: 'Tôi đã lưu, đóng lại',
    required: '(bắt buộc)',
    role_admin: 'Quản trị viên',
    role_operator: 'Vận hành',
    role_responder: 'Ứng cứu sự cố',
    role_viewer: 'Xem',
    event_opened: 'Mở sự cố',
    event_reopened: 'Mở lại',
    event_acknowledged: 'Tiếp nhận',
    event_resolved: 'Đã khắc phục',
    event_closed: 'Đóng',
    event_unacknowledged: 'Nhắc: chưa tiếp nhận',
    event_report_due: 'Nhắc: sắp đến hạn báo cáo',
    event_report_overdue: 'Nhắc: quá hạn báo cáo',
    cat_outage: 'Mất dịch vụ',
    cat_degraded_service: 'Dịch vụ suy giảm',
    cat_dnssec_failure: 'Lỗi DNSSEC',
    cat_ipv6_regression: 'Mất IPv6',
    cat_security_event: 'Sự kiện an toàn thông tin',
    cat_other: 'Khác',
    sev_1: '1 – Nghiêm trọng',
    sev_2: '2 – Cao',
    sev_3: '3 – Trung bình',
    sev_4: '4 – Thấp',
    kind_webhook: 'Webhook',
    kind_email: 'E-mail',
    kind_telegram: 'Telegram',
  },
  en: {
    save: 'Save',
    create: 'Create',
    cancel: 'Cancel',
    edit: 'Edit',
    delete: 'Delete',
    confirmDelete: 'Delete this item?',
    yesDelete: 'Yes, delete',
    actions: 'Actions',
    saving: 'Saving…',
    saved: 'Saved.',
    deleted: 'Deleted.',
    yes: 'Yes',
    no: 'No',
    enabled: 'On',
    disabled: 'Off',
    name: 'Name',
    all: 'All',
    allUnits: 'All units',
    unitSearch: 'Find a unit (code or name)',
    unitSearchHint: 'Type to search; at most {n} results.',
    unitNone: 'No matching unit.',
    unitMore: '{n} more units: type more precisely.',
    unitChosen: 'Chosen: {unit}',
    unitClear: 'Clear the unit',
    choose: 'Choose',
    copy: 'Copy',
    copied: 'Copied.',
    copyFailed: 'Could not copy: select it and copy by hand.',
    onceWarning:
      'Shown ONCE only. Copy it and keep it safe now: it cannot be displayed again after closing.',
    onceDone: 'I have saved it, close',
    required: '(required)',
    role_admin: 'Administrator',
    role_operator: 'Operator',
    role_responder: 'Incident responder',
    role_viewer: 'Viewer',
    event_opened: 'Opened',
    event_reopened: 'Reopened',
    event_acknowledged: 'Acknowledged',
    event_resolved: 'Resolved',
    event_closed: 'Closed',
    event_unacknowledged: 'Reminder: not acknowledged',
    event_report_due: 'Reminder: report due soon',
    event_report_overdue: 'Reminder: report overdue',
    cat_outage: 'Outage',
    cat_degraded_service: 'Degraded service',
    cat_dnssec_failure: 'DNSSEC failure',
    cat_ipv6_regression: 'IPv6 regression',
    cat_security_event: 'Security event',
    cat_other: 'Other',
    sev_1: '1 – Critical',
    sev_2: '2 – High',
    sev_3: '3 – Medium',
    sev_4: '4 – Low',
    kind_webhook: 'Webhook',
    kind_email: 'E-mail',
    kind_telegram: 'Telegram',
  },
});
type CommonKey = Parameters<typeof tc>[0];

// The API's enums (src/auth/permissions.ts, src/notifications/notification.types.ts,
// src/incidents/incident-lifecycle.ts), repeated here because the dashboard bundles no server code.
export const ROLES = ['admin', 'operator', 'responder', 'viewer'] as const;
export type Role = (typeof ROLES)[number];
export const EVENTS = [
  'opened',
  'reopened',
  'acknowledged',
  'resolved',
  'closed',
  'unacknowledged',
  'report_due',
  'report_overdue',
] as const;
export const CATEGORIES = [
  'outage',
  'degraded_service',
  'dnssec_failure',
  'ipv6_regression',
  'security_event',
  'other',
] as const;
export const SEVERITIES = [1, 2, 3, 4] as const;
export const CHANNEL_KINDS = ['webhook', 'email', 'telegram'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** A label for an enum value of one of the groups above; unknown values show as they are. */
export function enumLabel(
  group: 'role' | 'event' | 'cat' | 'sev' | 'kind',
  value: string | number,
): string {
  const key = `${group}_${value}`;
  const text = tc(key as CommonKey);
  return text === key ? String(value) : text;
}

/** The problems the API named for one field (`config.url` also matches `config.url.host`). */
export function problemsFor(error: Error | null | undefined, ...names: string[]): string[] {
  if (!(error instanceof ApiError)) return [];
  return error.details
    .filter((d) =>
      names.some(
        (n) =>
          d.field === n ||
          d.field.startsWith(`${n}.`) ||
          d.field.startsWith(`${n}[`) ||
          // Some validators name only the last segment (`endsAt` for `schedule.endsAt`).
          n.endsWith(`.${d.field}`),
      ),
    )
    .map((d) => d.message);
}

/** Attributes that tie an input to its error text for screen readers. */
export function invalidAttrs(error: Error | null | undefined, id: string, ...names: string[]) {
  const bad = problemsFor(error, ...names).length > 0;
  return {
    'aria-invalid': bad ? 'true' : undefined,
    'aria-describedby': bad ? `${id}-err` : undefined,
  };
}

/** The API's messages for a field, shown right below the input. */
export function FieldError({
  error,
  id,
  names,
}: {
  error: Error | null | undefined;
  id: string;
  names: string[];
}) {
  const problems = problemsFor(error, ...names);
  if (!problems.length) return null;
  return html`<p class="field-error" id=${`${id}-err`}>${problems.join('; ')}</p>`;
}

/** A write in progress: busy flag, the last error, and a wrapper that records both. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const run = async <T>(fn: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await fn();
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}

export interface Unit {
  id: string;
  code: string;
  name: string;
  nameEn: string | null;
}

export function unitLabel(u: Unit): string {
  const name = lang() === 'en' && u.nameEn ? u.nameEn : u.name;
  return `${u.code} – ${name}`;
}

// Unit names by id, fetched once each: lists show a unit per row, and the ids repeat.
const unitCache = new Map<string, Promise<Unit | null>>();
function loadUnit(id: string): Promise<Unit | null> {
  let p = unitCache.get(id);
  if (!p) {
    p = api<Unit>(`/api/units/${encodeURIComponent(id)}`).catch(() => null);
    unitCache.set(id, p);
  }
  return p;
}

/** A unit's code and name by id (its id when it cannot be read); null means "all units". */
export function UnitName({ id, none }: { id: string | null; none?: string }) {
  const [unit, setUnit] = useState<Unit | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    setUnit(undefined);
    if (id) void loadUnit(id).then((u) => live && setUnit(u));
    return () => {
      live = false;
    };
  }, [id]);
  if (!id) return html`<span class="muted">${none ?? tc('allUnits')}</span>`;
  if (unit === undefined) return html`<span class="muted">…</span>`;
  return unit ? html`<span>${unitLabel(unit)}</span>` : html`<code>${id}</code>`;
}

const PICK_LIMIT = 10;

/**
 * Picks a unit by searching the API (`q`, at most 10 results): the province has hundreds of
 * units and a select holding all of them would load every unit.
 */
export function UnitPicker({
  id,
  value,
  onChange,
  label,
  noneLabel,
  disabled,
  error,
  errorNames = ['unitId'],
}: {
  id: string;
  value: string | null;
  onChange: (unitId: string | null) => void;
  label: string;
  noneLabel?: string;
  disabled?: boolean;
  error?: Error | null;
  errorNames?: string[];
}) {
  const [q, setQ] = useState('');
  const [page, setPage] = useState<Page<Unit> | null>(null);
  const [failure, setFailure] = useState<Error | null>(null);
  const ticket = useRef(0);
  useEffect(() => {
    const text = q.trim();
    if (!text) {
      setPage(null);
      return;
    }
    const mine = ++ticket.current;
    // Waits for a pause in typing so each keystroke does not cost a request.
    const timer = setTimeout(() => {
      api<Page<Unit>>('/api/units', { query: { q: text, limit: PICK_LIMIT, sort: 'code' } })
        .then((p) => {
          if (mine === ticket.current) {
            setPage(p);
            setFailure(null);
          }
        })
        .catch((e: Error) => mine === ticket.current && setFailure(e));
    }, 250);
    return () => clearTimeout(timer);
  }, [q]);
  const pick = (u: Unit | null) => {
    onChange(u ? u.id : null);
    setQ('');
    setPage(null);
  };
  return html`<fieldset class="unit-picker" disabled=${disabled}>
    <legend>${label}</legend>
    <p class="unit-chosen">
      <${UnitName} id=${value} none=${noneLabel} />
      ${
        value &&
        html` <button type="button" class="link" onClick=${() => pick(null)}>
          ${tc('unitClear')}
        </button>`
      }
    </p>
    <label for=${id} class="small">${tc('unitSearch')}</label>
    <input
      id=${id}
      type="search"
      autocomplete="off"
      value=${q}
      onInput=${(e: Event) => setQ((e.target as HTMLInputElement).value)}
      aria-describedby=${`${id}-hint`}
      ...${invalidAttrs(error, id, ...errorNames)}
    />
    <p class="muted small" id=${`${id}-hint`}>${tc('unitSearchHint', { n: PICK_LIMIT })}</p>
    <${FieldError} error=${error} id=${id} names=${errorNames} />
    ${failure && html`<p class="field-error">${failure.message}</p>`}
    ${
      page &&
      html`<ul class="pick-list" aria-live="polite">
        ${page.items.map(
          (u) =>
            html`<li>
              <button type="button" onClick=${() => pick(u)}>${unitLabel(u)}</button>
            </li>`,
        )}
        ${page.items.length === 0 && html`<li class="muted">${tc('unitNone')}</li>`}
        ${
          page.total > page.items.length &&
          html`<li class="muted small">
            ${tc('unitMore', { n: page.total - page.items.length })}
          </li>`
        }
      </ul>`
    }
  </fieldset>`;
}

/** A secret (generated password, API token) shown once, with a copy button and a warning. */
export function OnceSecret({
  testid,
  title,
  value,
  onDone,
}: {
  testid: string;
  title: string;
  value: string;
  onDone: () => void;
}) {
  const [copied, setCopied] = useState<boolean | null>(null);
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => ref.current?.focus(), []);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      // Clipboard access needs a secure context (https or localhost); fall back to a selection.
      ref.current?.select();
      setCopied(false);
    }
  };
  return html`<div class="once-secret" data-testid=${testid} role="region" aria-label=${title}>
    <h2>${title}</h2>
    <p class="once-warning"><strong>⚠ ${tc('onceWarning')}</strong></p>
    <div class="once-value">
      <input
        ref=${ref}
        readonly
        value=${value}
        aria-label=${title}
        onFocus=${(e: Event) => (e.target as HTMLInputElement).select()}
      />
      <button type="button" onClick=${copy}>${tc('copy')}</button>
    </div>
    ${
      copied !== null &&
      html`<p class="small" role="status">${copied ? tc('copied') : tc('copyFailed')}</p>`
    }
    <button type="button" class="primary" onClick=${onDone}>${tc('onceDone')}</button>
  </div>`;
}

/**
 * A destructive button that asks first, in place: the first press shows the question and the
 * real button (`data-testid="confirm-yes"`), which gets the focus.
 */
export function ConfirmButton({
  label,
  question,
  yes,
  onConfirm,
  disabled,
  testid,
}: {
  label: string;
  question?: string;
  yes?: string;
  onConfirm: () => void;
  disabled?: boolean;
  testid?: string;
}) {
  const [asking, setAsking] = useState(false);
  const yesRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) yesRef.current?.focus();
  }, [asking]);
  if (!asking)
    return html`<button
      type="button"
      class="danger"
      disabled=${disabled}
      data-testid=${testid}
      onClick=${() => setAsking(true)}
    >
      ${label}
    </button>`;
  return html`<span class="confirm" role="group">
    <span>${question ?? tc('confirmDelete')}</span>
    <button
      type="button"
      class="danger"
      ref=${yesRef}
      data-testid="confirm-yes"
      onClick=${() => {
        setAsking(false);
        onConfirm();
      }}
    >
      ${yes ?? tc('yesDelete')}
    </button>
    <button type="button" onClick=${() => setAsking(false)}>${tc('cancel')}</button>
  </span>`;
}

/** Value of an input/select/textarea from its event. */
export function valueOf(e: Event): string {
  return (e.target as HTMLInputElement).value;
}

/** `datetime-local` text in the province's time zone (UTC+7, no daylight saving) ↔ ISO. */
export const VN_OFFSET = '+07:00';
export function localInputToIso(value: string): string {
  return value ? `${value.length === 16 ? `${value}:00` : value}${VN_OFFSET}` : '';
}
export function isoToLocalInput(date: Date): string {
  return new Date(date.getTime() + 7 * 3600_000).toISOString().slice(0, 16);
}

/**
 * The list part of an admin tab: a spinner before the first page, an empty note, or the table.
 * Both the empty note and the table carry `testid`, so tests find the list either way.
 */
export function AdminTable({
  testid,
  loading,
  loaded,
  count,
  headers,
  actions,
  before,
  children,
}: {
  testid: string;
  loading: boolean;
  loaded: boolean;
  count: number;
  /** Column titles; a falsy entry is a column hidden for this caller. */
  headers: (string | false | null | undefined)[];
  /** Whether the last column holds row actions. */
  actions: boolean;
  /** Shown above the table when there are rows. */
  before?: ComponentChildren;
  children: ComponentChildren;
}) {
  return html`${loading && !loaded && html`<${Loading} />`}
  ${loaded && count === 0 && html`<div data-testid=${testid}><${Empty} /></div>`}
  ${
    count > 0 &&
    html`${before}
      <div class="table-wrap">
        <table class="stack" data-testid=${testid}>
          <thead>
            <tr>
              ${headers.map((h) => h && html`<th scope="col">${h}</th>`)}
              ${actions && html`<th scope="col">${tc('actions')}</th>`}
            </tr>
          </thead>
          <tbody>
            ${children}
          </tbody>
        </table>
      </div>`
  }`;
}

/** The cell holding a row's buttons. */
export function ActionsCell({ children }: { children: ComponentChildren }) {
  return html`<td data-label=${tc('actions')} class="row-actions">${children}</td>`;
}

/** An on/off badge (text, not only colour). */
export function EnabledBadge({ enabled }: { enabled: boolean }) {
  return html`<span class=${`badge ${enabled ? 'state-up' : ''}`}
    >${enabled ? tc('enabled') : tc('disabled')}</span
  >`;
}

/** A form's error box and submit row; `save` labels an edit, `onCancel` adds a cancel button. */
export function FormFooter({
  error,
  busy,
  save = false,
  onCancel,
  row = false,
}: {
  error: Error | null | undefined;
  busy: boolean;
  save?: boolean;
  onCancel?: () => void;
  /** Lays the buttons out in a row (forms that may show a cancel button). */
  row?: boolean;
}) {
  return html`<${ErrorBox} error=${error} />
    <p class=${row ? 'row-actions' : undefined}>
      <button type="submit" class="primary" disabled=${busy}>
        ${busy ? tc('saving') : save ? tc('save') : tc('create')}
      </button>
      ${onCancel && html`<button type="button" onClick=${onCancel}>${tc('cancel')}</button>`}
    </p>`;
}

/**
 * Which row the form edits: a new key remounts the form (fresh state), and the first field gets
 * the focus so keyboard users land in the form.
 */
export function useEditor<T>(focusId: string, onStart?: () => void) {
  const [editing, setEditing] = useState<T | null>(null);
  const [formKey, setFormKey] = useState(0);
  const resetForm = () => setFormKey((k) => k + 1);
  const startEdit = (row: T | null) => {
    setEditing(row);
    resetForm();
    onStart?.();
    requestAnimationFrame(() => document.getElementById(focusId)?.focus());
  };
  return { editing, setEditing, formKey, resetForm, startEdit };
}

interface FieldProps {
  id: string;
  label: string;
  /** Marks the label "(required)"; the control's own `required` attribute is separate. */
  requiredMark?: boolean;
  /** Shown below the control with the id `<id>-hint` (for aria-describedby). */
  hint?: string;
  /** The API's field names whose messages belong to this field. */
  names: string[];
  error: Error | null | undefined;
}

/** A labelled form field: the label, the control (children), a hint and the API's messages. */
export function Field({
  id,
  label,
  requiredMark = false,
  hint,
  names,
  error,
  children,
}: FieldProps & { children: ComponentChildren }) {
  return html`<div>
    <label for=${id}
      >${label}${requiredMark && html` <span class="muted small">${tc('required')}</span>`}</label
    >
    ${children} ${hint && html`<p class="muted small" id=${`${id}-hint`}>${hint}</p>`}
    <${FieldError} error=${error} id=${id} names=${names} />
  </div>`;
}

/**
 * A Field holding a plain input; other props (type, maxlength, aria-describedby…) go to the
 * input, before the invalid-state attributes as the forms always had them.
 */
export function InputField({
  id,
  label,
  requiredMark,
  hint,
  names,
  error,
  value,
  onValue,
  // Not an input attribute (the input has no children).
  children: _children,
  ...attrs
}: FieldProps & { value: string; onValue: (value: string) => void } & Record<string, unknown>) {
  return html`<${Field}
    id=${id}
    label=${label}
    requiredMark=${requiredMark}
    hint=${hint}
    names=${names}
    error=${error}
  >
    <input
      id=${id}
      value=${value}
      onInput=${(e: Event) => onValue(valueOf(e))}
      ...${attrs}
      ...${invalidAttrs(error, id, ...names)}
    />
  </${Field}>`;
}
