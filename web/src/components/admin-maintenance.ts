/**
 * Admin tab "Maintenance windows": one-off (start, end) or weekly (days, start time, duration)
 * for a unit subtree or one object. Checks keep running during a window but nothing alerts.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, Page } from '../lib/api';
import { fmtDateTime, fmtDuration } from '../lib/format';
import { useApi } from '../lib/hooks';
import { html } from '../lib/html';
import { messages } from '../lib/i18n';
import { can, useMe } from '../lib/session';
import { Card, ErrorBox } from './ui';
import {
  ConfirmButton,
  FieldError,
  invalidAttrs,
  isoToLocalInput,
  localInputToIso,
  tc,
  UnitName,
  UnitPicker,
  useAction,
  valueOf,
  ActionsCell,
  AdminTable,
  FormFooter,
  InputField,
} from './admin-common';

const t = messages({
  vi: {
    title: 'Khung giờ bảo trì',
    intro:
      'Trong khung giờ bảo trì, hệ thống vẫn kiểm tra và ghi nhận trạng thái nhưng không mở sự cố, không gửi cảnh báo.',
    target: 'Áp dụng cho',
    schedule: 'Lịch',
    state: 'Hiện tại',
    activeNow: 'Đang bảo trì',
    upcoming: 'Sắp tới',
    past: 'Đã qua',
    weekly: 'Hằng tuần',
    newWindow: 'Thêm khung giờ bảo trì',
    name: 'Tên / lý do',
    targetKind: 'Đối tượng',
    unitSubtree: 'Một đơn vị và các đơn vị cấp dưới',
    oneObject: 'Một đối tượng',
    unit: 'Đơn vị',
    objectType: 'Loại đối tượng',
    objectSearch: 'Tìm đối tượng',
    objectHint: 'Gõ để tìm; tối đa 10 kết quả.',
    objectNone: 'Không có đối tượng phù hợp.',
    objectChosen: 'Đã chọn: {name}',
    objectNotChosen: 'Chưa chọn đối tượng.',
    unitNotChosen: 'Chưa chọn đơn vị.',
    scheduleKind: 'Kiểu lịch',
    oneOff: 'Một lần',
    recurring: 'Lặp lại hằng tuần',
    startsAt: 'Bắt đầu',
    endsAt: 'Kết thúc',
    timesHint: 'Giờ Việt Nam (UTC+7).',
    days: 'Các ngày trong tuần',
    startTime: 'Giờ bắt đầu',
    duration: 'Thời lượng (phút)',
    durationHint: 'Từ 1 đến 10080 (một tuần).',
    timezone: 'Múi giờ',
    weeklyText: '{days}, từ {time} trong {duration} ({tz})',
    created: 'Đã tạo khung giờ "{name}".',
    deleteQuestion: 'Xóa khung giờ "{name}"?',
    d0: 'CN',
    d1: 'T2',
    d2: 'T3',
    d3: 'T4',
    d4: 'T5',
    d5: 'T6',
    d6: 'T7',
    ot_service: 'Dịch vụ',
    ot_device: 'Thiết bị',
    ot_site: 'Địa điểm',
    ot_circuit: 'Đường truyền',
    ot_interface: 'Cổng mạng',
    ot_check: 'Phép kiểm tra',
  },
  en: {
    title: 'Maintenance windows',
    intro:
      'During a maintenance window checks keep running and their state is recorded, but no incident is opened and nothing alerts.',
    target: 'Applies to',
    schedule: 'Schedule',
    state: 'Now',
    activeNow: 'In maintenance',
    upcoming: 'Upcoming',
    past: 'Past',
    weekly: 'Weekly',
    newWindow: 'Add a maintenance window',
    name: 'Name / reason',
    targetKind: 'Target',
    unitSubtree: 'A unit and the units below it',
    oneObject: 'One object',
    unit: 'Unit',
    objectType: 'Object type',
    objectSearch: 'Find the object',
    objectHint: 'Type to search; at most 10 results.',
    objectNone: 'No matching object.',
    objectChosen: 'Chosen: {name}',
    objectNotChosen: 'No object chosen.',
    unitNotChosen: 'No unit chosen.',
    scheduleKind: 'Schedule kind',
    oneOff: 'Once',
    recurring: 'Every week',
    startsAt: 'Starts',
    endsAt: 'Ends',
    timesHint: 'Vietnam time (UTC+7).',
    days: 'Days of the week',
    startTime: 'Start time',
    duration: 'Duration (minutes)',
    durationHint: '1 to 10080 (one week).',
    timezone: 'Time zone',
    weeklyText: '{days}, from {time} for {duration} ({tz})',
    created: 'Window "{name}" created.',
    deleteQuestion: 'Delete the window "{name}"?',
    d0: 'Sun',
    d1: 'Mon',
    d2: 'Tue',
    d3: 'Wed',
    d4: 'Thu',
    d5: 'Fri',
    d6: 'Sat',
    ot_service: 'Service',
    ot_device: 'Device',
    ot_site: 'Site',
    ot_circuit: 'Circuit',
    ot_interface: 'Interface',
    ot_check: 'Check',
  },
});
type Key = Parameters<typeof t>[0];

type Target =
  | { kind: 'object'; objectType: string; objectId: string }
  | { kind: 'unit_subtree'; unitId: string };
type Schedule =
  | { kind: 'one_off'; startsAt: string; endsAt: string }
  | {
      kind: 'recurring';
      daysOfWeek: number[];
      startTime: string;
      durationMinutes: number;
      timezone: string;
    };
interface Window {
  id: string;
  name: string;
  target: Target;
  schedule: Schedule;
}

/** Object types a window can target that the inventory API can search. */
const OBJECT_TYPES = {
  service: 'services',
  device: 'devices',
  site: 'sites',
  circuit: 'circuits',
  interface: 'interfaces',
} as const;
type ObjectType = keyof typeof OBJECT_TYPES;
type InventoryObject = Record<string, unknown> & { id: string };

function objectLabel(type: string, o: InventoryObject): string {
  const s = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : '');
  if (type === 'service')
    return `${s('name') || s('hostname')}${s('hostname') ? ` (${s('hostname')})` : ''}`;
  if (type === 'site') return `${s('code')} – ${s('name')}`;
  if (type === 'circuit') return `${s('cid')}${s('provider') ? ` (${s('provider')})` : ''}`;
  return s('name') || o.id;
}

const objectCache = new Map<string, Promise<InventoryObject | null>>();
function ObjectName({ type, id }: { type: string; id: string }) {
  const [o, setO] = useState<InventoryObject | null | undefined>(undefined);
  useEffect(() => {
    const path = OBJECT_TYPES[type as ObjectType];
    if (!path) return setO(null);
    let live = true;
    const key = `${type}:${id}`;
    let p = objectCache.get(key);
    if (!p) {
      p = api<InventoryObject>(`/api/${path}/${encodeURIComponent(id)}`).catch(() => null);
      objectCache.set(key, p);
    }
    void p.then((x) => live && setO(x));
    return () => {
      live = false;
    };
  }, [type, id]);
  if (o === undefined) return html`<span class="muted">…</span>`;
  return o ? html`<span>${objectLabel(type, o)}</span>` : html`<code>${id}</code>`;
}

function windowState(w: Window): 'activeNow' | 'upcoming' | 'past' | 'weekly' {
  if (w.schedule.kind === 'recurring') return 'weekly';
  const now = Date.now();
  if (new Date(w.schedule.endsAt).getTime() <= now) return 'past';
  if (new Date(w.schedule.startsAt).getTime() <= now) return 'activeNow';
  return 'upcoming';
}

function scheduleText(s: Schedule): string {
  if (s.kind === 'one_off') return `${fmtDateTime(s.startsAt)} → ${fmtDateTime(s.endsAt)}`;
  return t('weeklyText', {
    days: s.daysOfWeek.map((d) => t(`d${d}` as Key)).join(', '),
    time: s.startTime,
    duration: fmtDuration(s.durationMinutes * 60),
    tz: s.timezone,
  });
}

export function AdminMaintenance() {
  const me = useMe();
  const writable = can(me, 'monitoring', true);
  // Windows are few and short-lived; the API lists them whole.
  const list = useApi<{ items: Window[] }>('/api/maintenance-windows');
  const [notice, setNotice] = useState<string | null>(null);
  const [formKey, setFormKey] = useState(0);
  const rowAction = useAction();
  const remove = async (w: Window) => {
    const ok = await rowAction.run(() =>
      api<void>(`/api/maintenance-windows/${w.id}`, { method: 'DELETE' }).then(() => true),
    );
    if (ok) {
      setNotice(tc('deleted'));
      list.reload();
    }
  };
  const windows = list.data?.items ?? [];
  return html`
    <${Card} title=${t('title')}>
      <p class="muted">${t('intro')}</p>
      <${ErrorBox} error=${list.error ?? rowAction.error} />
      ${notice && html`<p class="ok" role="status">${notice}</p>`}
      <${AdminTable}
        testid="maintenance-list"
        loading=${list.loading}
        loaded=${!!list.data}
        count=${windows.length}
        headers=${[t('name'), t('target'), t('schedule'), t('state')]}
        actions=${writable}
      >
        ${windows.map((w) => {
          const state = windowState(w);
          return html`<tr key=${w.id} data-window-name=${w.name}>
            <td data-label=${t('name')}><strong>${w.name}</strong></td>
            <td data-label=${t('target')}>
              ${
                w.target.kind === 'unit_subtree'
                  ? html`<div class="muted small">${t('unit')}</div>
                      <${UnitName} id=${w.target.unitId} />`
                  : html`<div class="muted small">${t(`ot_${w.target.objectType}` as Key)}</div>
                      <${ObjectName} type=${w.target.objectType} id=${w.target.objectId} />`
              }
            </td>
            <td data-label=${t('schedule')}>${scheduleText(w.schedule)}</td>
            <td data-label=${t('state')}>
              <span class=${`badge ${state === 'activeNow' ? 'state-maintenance' : ''}`}
                >${t(state)}</span
              >
            </td>
            ${
              writable &&
              html`<${ActionsCell}>
                <${ConfirmButton}
                  label=${tc('delete')}
                  question=${t('deleteQuestion', { name: w.name })}
                  disabled=${rowAction.busy}
                  onConfirm=${() => remove(w)}
                />
              </${ActionsCell}>`
            }
          </tr>`;
        })}
      </${AdminTable}>
    </${Card}>
    ${
      writable &&
      html`<${MaintenanceForm}
        key=${formKey}
        onCreated=${(w: Window) => {
          setNotice(t('created', { name: w.name }));
          setFormKey((k) => k + 1);
          list.reload();
        }}
      />`
    }
  `;
}

/** Searches one inventory type (`q`, at most 10 results) and picks one object. */
function ObjectPicker({
  type,
  value,
  onChange,
  error,
}: {
  type: ObjectType;
  value: InventoryObject | null;
  onChange: (o: InventoryObject | null) => void;
  error: Error | null;
}) {
  const [q, setQ] = useState('');
  const [page, setPage] = useState<Page<InventoryObject> | null>(null);
  const [failure, setFailure] = useState<Error | null>(null);
  const ticket = useRef(0);
  useEffect(() => {
    const text = q.trim();
    if (!text) return setPage(null);
    const mine = ++ticket.current;
    // Waits for a pause in typing so each keystroke does not cost a request.
    const timer = setTimeout(() => {
      api<Page<InventoryObject>>(`/api/${OBJECT_TYPES[type]}`, { query: { q: text, limit: 10 } })
        .then((p) => {
          if (mine === ticket.current) {
            setPage(p);
            setFailure(null);
          }
        })
        .catch((e: Error) => mine === ticket.current && setFailure(e));
    }, 250);
    return () => clearTimeout(timer);
  }, [q, type]);
  return html`<div class="unit-picker">
    <p class="unit-chosen">
      ${
        value
          ? t('objectChosen', { name: objectLabel(type, value) })
          : html`<span class="muted">${t('objectNotChosen')}</span>`
      }
    </p>
    <label for="mw-object" class="small">${t('objectSearch')}</label>
    <input
      id="mw-object"
      type="search"
      autocomplete="off"
      value=${q}
      aria-describedby="mw-object-hint"
      onInput=${(e: Event) => setQ(valueOf(e))}
      ...${invalidAttrs(error, 'mw-object', 'target.objectId', 'target.objectType')}
    />
    <p class="muted small" id="mw-object-hint">${t('objectHint')}</p>
    <${FieldError}
      error=${error}
      id="mw-object"
      names=${['target.objectId', 'target.objectType']}
    />
    ${failure && html`<p class="field-error">${failure.message}</p>`}
    ${
      page &&
      html`<ul class="pick-list" aria-live="polite">
        ${page.items.map(
          (o) =>
            html`<li>
              <button
                type="button"
                onClick=${() => {
                  onChange(o);
                  setQ('');
                  setPage(null);
                }}
              >
                ${objectLabel(type, o)}
              </button>
            </li>`,
        )}
        ${page.items.length === 0 && html`<li class="muted">${t('objectNone')}</li>`}
      </ul>`
    }
  </div>`;
}

function MaintenanceForm({ onCreated }: { onCreated: (w: Window) => void }) {
  const now = new Date();
  const [name, setName] = useState('');
  const [targetKind, setTargetKind] = useState<'unit_subtree' | 'object'>('unit_subtree');
  const [unitId, setUnitId] = useState<string | null>(null);
  const [objectType, setObjectType] = useState<ObjectType>('service');
  const [object, setObject] = useState<InventoryObject | null>(null);
  const [scheduleKind, setScheduleKind] = useState<'one_off' | 'recurring'>('one_off');
  const [startsAt, setStartsAt] = useState(isoToLocalInput(new Date(now.getTime() + 3600_000)));
  const [endsAt, setEndsAt] = useState(isoToLocalInput(new Date(now.getTime() + 3 * 3600_000)));
  const [days, setDays] = useState<number[]>([0]);
  const [startTime, setStartTime] = useState('01:00');
  const [duration, setDuration] = useState('120');
  const [timezone, setTimezone] = useState('Asia/Ho_Chi_Minh');
  const action = useAction();

  const submit = async (e: Event) => {
    e.preventDefault();
    const target =
      targetKind === 'unit_subtree'
        ? // Without a unit the API names target.unit, shown next to the picker.
          { kind: 'unit_subtree', ...(unitId ? { unit: unitId } : {}) }
        : { kind: 'object', objectType, objectId: object?.id ?? '' };
    const schedule =
      scheduleKind === 'one_off'
        ? { kind: 'one_off', startsAt: localInputToIso(startsAt), endsAt: localInputToIso(endsAt) }
        : {
            kind: 'recurring',
            daysOfWeek: [...days].sort(),
            startTime,
            durationMinutes: Number(duration),
            timezone: timezone.trim(),
          };
    const w = await action.run(() =>
      api<Window>('/api/maintenance-windows', {
        method: 'POST',
        body: { name: name.trim(), target, schedule },
      }),
    );
    if (w) onCreated(w);
  };
  const err = action.error;
  const radio = (
    group: string,
    value: string,
    current: string,
    set: (v: string) => void,
    label: string,
  ) =>
    html`<label class="check">
      <input
        type="radio"
        name=${group}
        value=${value}
        checked=${current === value}
        onChange=${() => set(value)}
      />
      ${label}
    </label>`;

  return html`<${Card} title=${t('newWindow')}>
    <form data-testid="maintenance-form" onSubmit=${submit} novalidate>
      <div class="form-grid">
        <${InputField}
          id="mw-name"
          label=${t('name')}
          requiredMark
          names=${['name']}
          error=${err}
          value=${name}
          onValue=${setName}
          maxlength="200"
        />
      </div>
      <fieldset class="checks">
        <legend>${t('targetKind')}</legend>
        ${radio('mw-target', 'unit_subtree', targetKind, (v) => setTargetKind(v as 'unit_subtree'), t('unitSubtree'))}
        ${radio('mw-target', 'object', targetKind, (v) => setTargetKind(v as 'object'), t('oneObject'))}
      </fieldset>
      ${
        targetKind === 'unit_subtree'
          ? html`<${UnitPicker}
              id="mw-unit"
              label=${t('unit')}
              value=${unitId}
              noneLabel=${t('unitNotChosen')}
              onChange=${setUnitId}
              error=${err}
              errorNames=${['target.unit', 'target']}
            />`
          : html`<div class="form-grid">
                <div>
                  <label for="mw-object-type">${t('objectType')}</label>
                  <select
                    id="mw-object-type"
                    value=${objectType}
                    onChange=${(e: Event) => {
                      setObjectType(valueOf(e) as ObjectType);
                      setObject(null);
                    }}
                  >
                    ${Object.keys(OBJECT_TYPES).map(
                      (k) => html`<option value=${k}>${t(`ot_${k}` as Key)}</option>`,
                    )}
                  </select>
                </div>
              </div>
              <${ObjectPicker}
                type=${objectType}
                value=${object}
                onChange=${setObject}
                error=${err}
              />`
      }
      <fieldset class="checks">
        <legend>${t('scheduleKind')}</legend>
        ${radio('mw-schedule', 'one_off', scheduleKind, (v) => setScheduleKind(v as 'one_off'), t('oneOff'))}
        ${radio('mw-schedule', 'recurring', scheduleKind, (v) => setScheduleKind(v as 'recurring'), t('recurring'))}
      </fieldset>
      ${
        scheduleKind === 'one_off'
          ? html`<div class="form-grid">
              <${InputField}
                id="mw-starts"
                label=${t('startsAt')}
                names=${['schedule.startsAt']}
                error=${err}
                value=${startsAt}
                onValue=${setStartsAt}
                type="datetime-local"
                aria-describedby="mw-times-hint"
              />
              <${InputField}
                id="mw-ends"
                label=${t('endsAt')}
                names=${['schedule.endsAt', 'startsAt/endsAt']}
                error=${err}
                value=${endsAt}
                onValue=${setEndsAt}
                type="datetime-local"
                aria-describedby="mw-times-hint"
              />
              <p class="muted small" id="mw-times-hint">${t('timesHint')}</p>
            </div>`
          : html`<fieldset class="checks">
                <legend>${t('days')}</legend>
                ${[1, 2, 3, 4, 5, 6, 0].map(
                  (d) =>
                    html`<label class="check">
                      <input
                        type="checkbox"
                        name="mw-days"
                        value=${String(d)}
                        checked=${days.includes(d)}
                        onChange=${(e: Event) =>
                          setDays(
                            (e.target as HTMLInputElement).checked
                              ? [...days.filter((x) => x !== d), d]
                              : days.filter((x) => x !== d),
                          )}
                      />
                      ${t(`d${d}` as Key)}
                    </label>`,
                )}
                <${FieldError} error=${err} id="mw-days" names=${['schedule.daysOfWeek']} />
              </fieldset>
              <div class="form-grid">
                <${InputField}
                  id="mw-start-time"
                  label=${t('startTime')}
                  names=${['schedule.startTime']}
                  error=${err}
                  value=${startTime}
                  onValue=${setStartTime}
                  type="time"
                />
                <${InputField}
                  id="mw-duration"
                  label=${t('duration')}
                  hint=${t('durationHint')}
                  names=${['schedule.durationMinutes']}
                  error=${err}
                  value=${duration}
                  onValue=${setDuration}
                  type="number"
                  min="1"
                  max="10080"
                  aria-describedby="mw-duration-hint"
                />
                <${InputField}
                  id="mw-timezone"
                  label=${t('timezone')}
                  names=${['schedule.timezone']}
                  error=${err}
                  value=${timezone}
                  onValue=${setTimezone}
                />
              </div>`
      }
      <${FormFooter} error=${err} busy=${action.busy} />
    </form>
  </${Card}>`;
}
