import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../lib/api';
import { html } from '../lib/html';
import { useApi } from '../lib/hooks';
import { messages } from '../lib/i18n';
import { href, navigate, useLocation } from '../lib/router';
import { can, useMe } from '../lib/session';
import { ErrorBox, Loading } from '../components/ui';
import { InterfacePicker, RefPicker } from '../components/inventory-ref';
import {
  FieldDef,
  fieldLabel,
  FormValues,
  Row,
  TypeDef,
  typeDef,
  typeLabel,
  lowerFirst,
  valueLabel,
} from '../components/inventory-types';

const t = messages({
  vi: {
    newTitle: 'Thêm {what}',
    editTitle: 'Sửa {what}: {name}',
    unknownType: 'Không có loại đối tượng “{type}”.',
    back: '← Danh sách {what}',
    view: 'Xem trang chi tiết',
    save: 'Lưu',
    saving: 'Đang lưu…',
    create: 'Tạo mới',
    saved: 'Đã lưu.',
    unchanged: 'Không có gì thay đổi.',
    delete: 'Xoá',
    confirmText: 'Xoá {name}? Không thể hoàn tác.',
    confirm: 'Xoá hẳn',
    cancel: 'Huỷ',
    deleting: 'Đang xoá…',
    required: 'bắt buộc',
    readOnly: 'Bạn chỉ có quyền xem danh mục.',
    secretSet: 'đã đặt',
    secretUnset: 'chưa đặt',
    secretHint: 'Chỉ ghi: để trống thì giữ giá trị đã lưu.',
    snmp: 'Giám sát SNMP',
    fields: 'Thông tin',
    choose: '— Chọn —',
    noneOpt: '— Không có —',
  },
  en: {
    newTitle: 'New {what}',
    editTitle: 'Edit {what}: {name}',
    unknownType: 'No object type “{type}”.',
    back: '← {what} list',
    view: 'View detail page',
    save: 'Save',
    saving: 'Saving…',
    create: 'Create',
    saved: 'Saved.',
    unchanged: 'Nothing changed.',
    delete: 'Delete',
    confirmText: 'Delete {name}? This cannot be undone.',
    confirm: 'Delete for good',
    cancel: 'Cancel',
    deleting: 'Deleting…',
    required: 'required',
    readOnly: 'You may only read the inventory.',
    secretSet: 'set',
    secretUnset: 'not set',
    secretHint: 'Write-only: leave empty to keep the stored value.',
    snmp: 'SNMP monitoring',
    fields: 'Details',
    choose: '— Choose —',
    noneOpt: '— None —',
  },
});

const SNMP_PLAIN = ['snmp.version', 'snmp.username', 'snmp.authProtocol', 'snmp.privProtocol'];

const fieldId = (name: string) => `f-${name.replace(/\./g, '-')}`;

/** An API object → form values (strings for inputs, booleans for checkboxes, '' for empty). */
function toForm(def: TypeDef, o: Row): FormValues {
  const out: FormValues = {};
  const snmp = (o.snmp ?? {}) as Record<string, unknown>;
  for (const f of def.fields) {
    const raw = f.name.startsWith('snmp.') ? snmp[f.name.slice(5)] : o[f.name];
    if (f.secret) out[f.name] = '';
    else if (f.kind === 'bool') out[f.name] = Boolean(raw);
    else out[f.name] = raw === null || raw === undefined ? '' : String(raw);
  }
  if (def.type === 'device' && !out['snmp.version']) out['snmp.version'] = 'none';
  return out;
}

function initialForm(def: TypeDef, unitId: string | null): FormValues {
  const out: FormValues = {};
  for (const f of def.fields) out[f.name] = f.initial ?? (f.kind === 'bool' ? false : '');
  if (unitId) {
    if (def.fields.some((f) => f.name === 'unitId')) out.unitId = unitId;
    else if (def.type === 'unit') out.parentId = unitId;
  }
  return out;
}

/** A form value as the API wants it: null for empty, numbers as numbers (or as typed, for the API to refuse). */
function convert(f: FieldDef, v: string | boolean | null | undefined): unknown {
  if (f.kind === 'bool') return Boolean(v);
  if (v === null || v === undefined || v === '') return null;
  const s = String(v);
  if (f.kind === 'int' || f.kind === 'number') {
    const n = Number(s.replace(',', '.'));
    return Number.isFinite(n) ? n : s;
  }
  return s;
}

/**
 * The request body: every filled field for a new object; only the changed ones for an update
 * (PATCH), so an unrelated field's stale value can never overwrite someone else's edit.
 */
function buildBody(def: TypeDef, values: FormValues, original: FormValues | null) {
  const body: Record<string, unknown> = {};
  for (const f of def.fields) {
    if (f.name.startsWith('snmp.')) continue;
    const v = convert(f, values[f.name]);
    if (original) {
      if (v !== convert(f, original[f.name])) body[f.name] = v;
    } else if (v !== null) body[f.name] = v;
  }
  if (def.type === 'device') {
    const snmp = snmpBody(values, original);
    if (snmp) body.snmp = snmp;
  }
  return body;
}

/** The device's `snmp` object, sent only when a setting changed or a secret was typed. */
function snmpBody(values: FormValues, original: FormValues | null) {
  const version = String(values['snmp.version'] || 'none');
  const typed = (k: string) => typeof values[k] === 'string' && values[k] !== '';
  const secrets =
    version === 'v2c'
      ? ['snmp.community']
      : version === 'v3'
        ? ['snmp.authKey', 'snmp.privKey']
        : [];
  const changed = original
    ? SNMP_PLAIN.some((k) => (values[k] ?? '') !== (original[k] ?? '')) || secrets.some(typed)
    : version !== 'none';
  if (!changed) return null;
  const snmp: Record<string, unknown> = { version };
  if (version === 'v2c' && typed('snmp.community')) snmp.community = values['snmp.community'];
  if (version === 'v3') {
    for (const k of ['username', 'authProtocol', 'privProtocol'])
      if (values[`snmp.${k}`]) snmp[k] = values[`snmp.${k}`];
    // The keys go together (the API wants both or neither).
    if (typed('snmp.authKey') || typed('snmp.privKey')) {
      snmp.authKey = values['snmp.authKey'] ?? '';
      snmp.privKey = values['snmp.privKey'] ?? '';
    }
  }
  return snmp;
}

/** Create or edit one inventory object; delete it after a confirmation. */
export function InventoryEditPage({ type, id }: { type: string; id: string }) {
  const def = typeDef(type);
  if (!def)
    return html`<h1 id="page-title">${t('unknownType', { type })}</h1>
      <p><a href=${href('/inventory')}>${t('back', { what: '' })}</a></p>`;
  return html`<${EditForm} key=${`${def.type}/${id}`} def=${def} id=${id} />`;
}

function EditForm({ def, id }: { def: TypeDef; id: string }) {
  const me = useMe();
  const writer = can(me, 'inventory', true);
  const { query } = useLocation();
  const isNew = id === 'new';
  const stored = useApi<Row>(isNew ? null : `/api/${def.path}/${id}`);
  const [original, setOriginal] = useState<FormValues | null>(null);
  const [values, setValues] = useState<FormValues | null>(() =>
    isNew ? initialForm(def, query.get('unit')) : null,
  );
  const [credentialsSet, setCredentialsSet] = useState(false);
  const [busy, setBusy] = useState<'' | 'save' | 'delete'>('');
  const [error, setError] = useState<Error | null>(null);
  const [notice, setNotice] = useState(query.get('saved') ? t('saved') : '');
  const [confirming, setConfirming] = useState(false);

  const load = (o: Row) => {
    const form = toForm(def, o);
    setOriginal(form);
    setValues(form);
    setCredentialsSet(
      Boolean((o.snmp as { credentialsSet?: boolean } | undefined)?.credentialsSet),
    );
  };
  useEffect(() => {
    if (stored.data) load(stored.data);
  }, [stored.data]);

  // After a refused save, take the keyboard to the first field the API named.
  useEffect(() => {
    if (error instanceof ApiError && error.details.length)
      document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [error]);

  const what = lowerFirst(typeLabel(def.type));
  const name = stored.data ? String(stored.data[def.titleField] ?? id) : '';
  const title = isNew ? t('newTitle', { what }) : t('editTitle', { what, name });
  const header = html`<h1 id="page-title">${title}</h1>
    <p class="inv-links">
      <a href=${href('/inventory', { type: def.type })}
        >${t('back', { what: lowerFirst(typeLabel(def.type, true)) })}</a
      >
      ${!isNew && html`<a href=${href(`/objects/${def.type}/${id}`)}>${t('view')}</a>`}
    </p>`;
  if (stored.error) return html`${header}<${ErrorBox} error=${stored.error} />`;
  if (!values) return html`${header}<${Loading} />`;

  const problems = new Map<string, string[]>();
  if (error instanceof ApiError)
    for (const d of error.details)
      problems.set(d.field, [...(problems.get(d.field) ?? []), d.message]);

  const set = (name: string, v: string | boolean | null) => {
    setValues({ ...values, [name]: v });
    setNotice('');
  };

  const save = async (e: Event) => {
    e.preventDefault();
    setBusy('save');
    setError(null);
    setNotice('');
    try {
      const body = buildBody(def, values, original);
      if (!isNew && Object.keys(body).length === 0) {
        setNotice(t('unchanged'));
        return;
      }
      const saved = await api<Row>(isNew ? `/api/${def.path}` : `/api/${def.path}/${id}`, {
        method: isNew ? 'POST' : 'PATCH',
        body,
      });
      if (isNew) navigate(`/inventory/${def.type}/${saved.id}`, { saved: 1 });
      else {
        load(saved);
        setNotice(t('saved'));
      }
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy('');
    }
  };

  const remove = async () => {
    setBusy('delete');
    setError(null);
    try {
      await api(`/api/${def.path}/${id}`, { method: 'DELETE' });
      navigate('/inventory', { type: def.type });
    } catch (err) {
      setError(err as Error);
      setConfirming(false);
    } finally {
      setBusy('');
    }
  };

  const visible = def.fields.filter((f) => !f.when || f.when(values));
  const main = visible.filter((f) => !f.name.startsWith('snmp.'));
  const snmp = visible.filter((f) => f.name.startsWith('snmp.'));
  const field = (f: FieldDef) =>
    html`<${Field}
      key=${f.name}
      f=${f}
      value=${values[f.name]}
      problems=${problems.get(f.name) ?? []}
      credentialsSet=${credentialsSet && original?.['snmp.version'] === values['snmp.version']}
      onChange=${(v: string | boolean | null) => set(f.name, v)}
    />`;

  return html`${header} ${!writer && html`<p class="muted">${t('readOnly')}</p>`}
    <${ErrorBox} error=${error} />
    ${notice && html`<p class="ok" role="status">${notice}</p>`}
    <form class="card inv-form" data-testid="inventory-form" onSubmit=${save} novalidate>
      <fieldset disabled=${!writer || busy !== ''}>
        <legend class="inv-sr">${t('fields')}</legend>
        <div class="inv-grid">${main.map(field)}</div>
        ${
          snmp.length > 0 &&
          html`<h2 class="inv-group">${t('snmp')}</h2>
            <div class="inv-grid">${snmp.map(field)}</div>`
        }
      </fieldset>
      ${
        writer &&
        html`<div class="inv-buttons">
          <button
            type="submit"
            class="primary"
            data-testid="inventory-save"
            disabled=${busy !== ''}
          >
            ${busy === 'save' ? t('saving') : isNew ? t('create') : t('save')}
          </button>
          ${
            !isNew &&
            !confirming &&
            html`<button
              type="button"
              class="danger"
              data-testid="inventory-delete"
              disabled=${busy !== ''}
              onClick=${() => setConfirming(true)}
            >
              ${t('delete')}
            </button>`
          }
        </div>`
      }
      ${
        confirming &&
        html`<div class="error inv-confirm" role="alertdialog" aria-labelledby="inv-confirm-text">
          <p id="inv-confirm-text"><strong>${t('confirmText', { name })}</strong></p>
          <button
            type="button"
            class="danger"
            data-testid="inventory-delete-confirm"
            disabled=${busy !== ''}
            ref=${(el: HTMLButtonElement | null) => el?.focus()}
            onClick=${remove}
          >
            ${busy === 'delete' ? t('deleting') : t('confirm')}
          </button>
          <button type="button" onClick=${() => setConfirming(false)}>${t('cancel')}</button>
        </div>`
      }
    </form>`;
}

function Field({
  f,
  value,
  problems,
  credentialsSet,
  onChange,
}: {
  f: FieldDef;
  value: string | boolean | null;
  problems: string[];
  credentialsSet: boolean;
  onChange: (v: string | boolean | null) => void;
}) {
  const id = fieldId(f.name);
  const errId = `${id}-err`;
  const hintId = `${id}-hint`;
  const invalid = problems.length > 0;
  const describedBy =
    [invalid ? errId : '', f.secret ? hintId : ''].filter(Boolean).join(' ') || undefined;
  const str = typeof value === 'string' ? value : '';
  const onText = (e: Event) => onChange((e.target as HTMLInputElement).value);
  const label = html`<label for=${id}>
    ${fieldLabel(f.name)}
    ${f.required && html` <span class="muted small">(${t('required')})</span>`}
    ${
      f.secret &&
      html` <span class=${`badge ${credentialsSet ? 'state-up' : ''}`}>
        ${credentialsSet ? t('secretSet') : t('secretUnset')}
      </span>`
    }
  </label>`;
  const common = {
    id,
    'aria-invalid': invalid ? 'true' : undefined,
    'aria-describedby': describedBy,
  };
  let control;
  switch (f.kind) {
    case 'bool':
      return html`<div class=${`inv-field inv-check${invalid ? ' inv-invalid' : ''}`}>
        <input
          type="checkbox"
          ...${common}
          checked=${value === true}
          onChange=${(e: Event) => onChange((e.target as HTMLInputElement).checked)}
        />
        ${label}
        <${FieldErrors} id=${errId} problems=${problems} />
      </div>`;
    case 'enum':
      control = html`<select ...${common} onChange=${onText}>
        <option value="" selected=${str === ''}>${f.required ? t('choose') : t('noneOpt')}</option>
        ${f.values?.map(
          (v) => html`<option value=${v} selected=${v === str}>${valueLabel(v)}</option>`,
        )}
      </select>`;
      break;
    case 'ref':
      control =
        f.ref === 'interface'
          ? html`<${InterfacePicker}
              id=${id}
              value=${str || null}
              invalid=${invalid}
              describedBy=${describedBy}
              onChange=${(v: string | null) => onChange(v ?? '')}
            />`
          : html`<${RefPicker}
              id=${id}
              kind=${f.ref}
              value=${str || null}
              required=${f.required}
              invalid=${invalid}
              describedBy=${describedBy}
              onChange=${(v: string | null) => onChange(v ?? '')}
            />`;
      break;
    case 'textarea':
      control = html`<textarea ...${common} rows="3" value=${str} onInput=${onText}></textarea>`;
      break;
    default: {
      const type = f.secret
        ? 'password'
        : ((
            { int: 'number', number: 'number', date: 'date', email: 'email', url: 'url' } as Record<
              string,
              string
            >
          )[f.kind] ?? 'text');
      control = html`<input
        ...${common}
        type=${type}
        value=${str}
        min=${f.min}
        max=${f.max}
        step=${f.kind === 'int' ? '1' : f.step}
        placeholder=${f.placeholder}
        autocomplete=${f.secret ? 'new-password' : 'off'}
        spellcheck=${false}
        onInput=${onText}
      />`;
    }
  }
  return html`<div
    class=${`inv-field${f.kind === 'textarea' ? ' inv-wide' : ''}${invalid ? ' inv-invalid' : ''}`}
  >
    ${label} ${control}
    ${f.secret && html`<p class="muted small" id=${hintId}>${t('secretHint')}</p>`}
    <${FieldErrors} id=${errId} problems=${problems} />
  </div>`;
}

function FieldErrors({ id, problems }: { id: string; problems: string[] }) {
  if (!problems.length) return null;
  return html`<p class="field-error" id=${id}>${problems.join('; ')}</p>`;
}
