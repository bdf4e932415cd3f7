/**
 * Admin tab "Notification routes": which incident events (by unit subtree, severity, category)
 * go to which channel. List, create/edit, delete.
 */
import { useState } from 'preact/hooks';
import { api } from '../lib/api';
import { useApi } from '../lib/hooks';
import { html } from '../lib/html';
import { messages } from '../lib/i18n';
import { href } from '../lib/router';
import { can, useMe } from '../lib/session';
import { Card, ErrorBox } from './ui';
import type { Channel } from './admin-channels';
import {
  ActionsCell,
  AdminTable,
  CATEGORIES,
  ConfirmButton,
  EnabledBadge,
  enumLabel,
  EVENTS,
  FieldError,
  FormFooter,
  invalidAttrs,
  SEVERITIES,
  tc,
  UnitName,
  UnitPicker,
  useAction,
  useEditor,
  valueOf,
  Field,
  InputField,
} from './admin-common';

const t = messages({
  vi: {
    title: 'Quy tắc gửi thông báo',
    intro:
      'Một quy tắc gửi các sự kiện đã chọn tới một kênh, khi sự cố thuộc đơn vị (hoặc đơn vị cấp dưới), đủ mức nghiêm trọng và thuộc nhóm đã chọn.',
    channel: 'Kênh',
    unit: 'Đơn vị (gồm cấp dưới)',
    maxSeverity: 'Mức nghiêm trọng',
    upTo: 'từ 1 đến {n}',
    severityHint: '1 là khẩn cấp nhất: chọn 2 thì gửi sự cố mức 1 và 2.',
    categories: 'Nhóm sự cố',
    categoriesHint: 'Không chọn nhóm nào: mọi nhóm.',
    allCategories: 'Mọi nhóm',
    events: 'Sự kiện',
    eventsHint: 'Chọn ít nhất một.',
    state: 'Trạng thái',
    enabledLabel: 'Bật quy tắc',
    newRoute: 'Thêm quy tắc',
    editRoute: 'Sửa quy tắc "{name}"',
    noChannel: 'Chưa có kênh thông báo nào: hãy tạo kênh trước.',
    toChannels: 'Tới kênh thông báo',
    chooseChannel: '— chọn kênh —',
    created: 'Đã tạo quy tắc "{name}".',
    updated: 'Đã lưu quy tắc "{name}".',
    deleteQuestion: 'Xóa quy tắc "{name}"?',
  },
  en: {
    title: 'Notification routes',
    intro:
      'A route sends the chosen events to one channel when the incident is in the unit (or below it), severe enough and of a chosen category.',
    channel: 'Channel',
    unit: 'Unit (with those below)',
    maxSeverity: 'Severity',
    upTo: '1 to {n}',
    severityHint: '1 is the most urgent: 2 sends severity 1 and 2 incidents.',
    categories: 'Categories',
    categoriesHint: 'None ticked: every category.',
    allCategories: 'Every category',
    events: 'Events',
    eventsHint: 'Choose at least one.',
    state: 'State',
    enabledLabel: 'Route on',
    newRoute: 'Add a route',
    editRoute: 'Edit route "{name}"',
    noChannel: 'There is no notification channel yet: create one first.',
    toChannels: 'To notification channels',
    chooseChannel: '— choose a channel —',
    created: 'Route "{name}" created.',
    updated: 'Route "{name}" saved.',
    deleteQuestion: 'Delete the route "{name}"?',
  },
});

interface Route {
  id: string;
  name: string;
  channelId: string;
  enabled: boolean;
  unitId: string | null;
  maxSeverity: 1 | 2 | 3 | 4;
  categories: string[] | null;
  events: string[];
}

export function AdminRoutes() {
  const me = useMe();
  const writable = can(me, 'notifications', true);
  // Routes and channels are a handful per province; the API lists them whole.
  const list = useApi<{ items: Route[] }>('/api/notification-routes');
  const channels = useApi<{ items: Channel[] }>('/api/notification-channels');
  const [notice, setNotice] = useState<string | null>(null);
  const { editing, setEditing, formKey, resetForm, startEdit } = useEditor<Route>(
    'route-name',
    () => setNotice(null),
  );
  const rowAction = useAction();
  const channelName = (id: string) =>
    channels.data?.items.find((c) => c.id === id)?.name ?? id.slice(0, 8);

  const remove = async (r: Route) => {
    const ok = await rowAction.run(() =>
      api<void>(`/api/notification-routes/${r.id}`, { method: 'DELETE' }).then(() => true),
    );
    if (ok) {
      setNotice(tc('deleted'));
      if (editing?.id === r.id) setEditing(null);
      list.reload();
    }
  };

  const routes = list.data?.items ?? [];
  return html`
    <${Card} title=${t('title')}>
      <p class="muted">${t('intro')}</p>
      <${ErrorBox} error=${list.error ?? channels.error ?? rowAction.error} />
      ${notice && html`<p class="ok" role="status">${notice}</p>`}
      <${AdminTable}
        testid="routes-list"
        loading=${list.loading}
        loaded=${!!list.data}
        count=${routes.length}
        headers=${[
          tc('name'),
          t('channel'),
          t('unit'),
          t('maxSeverity'),
          t('categories'),
          t('events'),
          t('state'),
        ]}
        actions=${writable}
      >
        ${routes.map(
          (r) =>
            html`<tr key=${r.id} data-route-name=${r.name}>
              <td data-label=${tc('name')}><strong>${r.name}</strong></td>
              <td data-label=${t('channel')}>${channelName(r.channelId)}</td>
              <td data-label=${t('unit')}><${UnitName} id=${r.unitId} /></td>
              <td data-label=${t('maxSeverity')}>${t('upTo', { n: r.maxSeverity })}</td>
              <td data-label=${t('categories')}>
                ${
                  r.categories?.length
                    ? r.categories.map((c) => enumLabel('cat', c)).join(', ')
                    : html`<span class="muted">${t('allCategories')}</span>`
                }
              </td>
              <td data-label=${t('events')}>
                ${r.events.map((e) => enumLabel('event', e)).join(', ')}
              </td>
              <td data-label=${t('state')}><${EnabledBadge} enabled=${r.enabled} /></td>
              ${
                writable &&
                html`<${ActionsCell}>
                  <button type="button" onClick=${() => startEdit(r)}>${tc('edit')}</button>
                  <${ConfirmButton}
                    label=${tc('delete')}
                    question=${t('deleteQuestion', { name: r.name })}
                    disabled=${rowAction.busy}
                    onConfirm=${() => remove(r)}
                  />
                </${ActionsCell}>`
              }
            </tr>`,
        )}
      </${AdminTable}>
    </${Card}>
    ${
      writable &&
      channels.data &&
      (channels.data.items.length === 0
        ? html`<${Card} title=${t('newRoute')}>
          <p>${t('noChannel')} <a href=${href('/admin/channels')}>${t('toChannels')}</a></p>
        </${Card}>`
        : html`<${RouteForm}
            key=${formKey}
            route=${editing}
            channels=${channels.data.items}
            onCancel=${() => startEdit(null)}
            onSaved=${(r: Route, created: boolean) => {
              setNotice(t(created ? 'created' : 'updated', { name: r.name }));
              setEditing(null);
              resetForm();
              list.reload();
            }}
          />`)
    }
  `;
}

function RouteForm({
  route,
  channels,
  onSaved,
  onCancel,
}: {
  route: Route | null;
  channels: Channel[];
  onSaved: (r: Route, created: boolean) => void;
  onCancel: () => void;
}) {
  const [name, setName] = useState(route?.name ?? '');
  const [channelId, setChannelId] = useState(route?.channelId ?? '');
  const [enabled, setEnabled] = useState(route?.enabled ?? true);
  const [unitId, setUnitId] = useState<string | null>(route?.unitId ?? null);
  const [maxSeverity, setMaxSeverity] = useState<number>(route?.maxSeverity ?? 4);
  const [categories, setCategories] = useState<string[]>(route?.categories ?? []);
  const [events, setEvents] = useState<string[]>(route?.events ?? ['opened', 'resolved']);
  const action = useAction();
  const toggle = (list: string[], value: string, on: boolean) =>
    on ? [...list.filter((x) => x !== value), value] : list.filter((x) => x !== value);

  const submit = async (e: Event) => {
    e.preventDefault();
    const body = {
      name: name.trim(),
      // Empty: sent as is, so that the API names the field.
      channelId,
      enabled,
      unitId,
      maxSeverity,
      categories: categories.length ? CATEGORIES.filter((c) => categories.includes(c)) : null,
      events: EVENTS.filter((x) => events.includes(x)),
    };
    const saved = await action.run(() =>
      route
        ? api<Route>(`/api/notification-routes/${route.id}`, { method: 'PATCH', body })
        : api<Route>('/api/notification-routes', { method: 'POST', body }),
    );
    if (saved) onSaved(saved, !route);
  };
  const err = action.error;
  return html`<${Card} title=${route ? t('editRoute', { name: route.name }) : t('newRoute')}>
    <form data-testid="route-form" onSubmit=${submit} novalidate>
      <div class="form-grid">
        <${InputField}
          id="route-name"
          label=${tc('name')}
          requiredMark
          names=${['name']}
          error=${err}
          value=${name}
          onValue=${setName}
          maxlength="100"
        />
        <${Field}
          id="route-channel"
          label=${t('channel')}
          requiredMark
          names=${['channelId']}
          error=${err}
        >
          <select
            id="route-channel"
            value=${channelId}
            onChange=${(e: Event) => setChannelId(valueOf(e))}
            ...${invalidAttrs(err, 'route-channel', 'channelId')}
          >
            <option value="">${t('chooseChannel')}</option>
            ${channels.map(
              (c) => html`<option value=${c.id}>${c.name} (${enumLabel('kind', c.kind)})</option>`,
            )}
          </select>
        </${Field}>
        <${Field}
          id="route-severity"
          label=${t('maxSeverity')}
          hint=${t('severityHint')}
          names=${['maxSeverity']}
          error=${err}
        >
          <select
            id="route-severity"
            value=${String(maxSeverity)}
            aria-describedby="route-severity-hint"
            onChange=${(e: Event) => setMaxSeverity(Number(valueOf(e)))}
            ...${invalidAttrs(err, 'route-severity', 'maxSeverity')}
          >
            ${SEVERITIES.map(
              (s) =>
                html`<option value=${String(s)}>
                  ${enumLabel('sev', s)} (${t('upTo', { n: s })})
                </option>`,
            )}
          </select>
        </${Field}>
        <div>
          <label class="check">
            <input
              id="route-enabled"
              type="checkbox"
              checked=${enabled}
              onChange=${(e: Event) => setEnabled((e.target as HTMLInputElement).checked)}
            />
            ${t('enabledLabel')}
          </label>
        </div>
      </div>
      <${UnitPicker}
        id="route-unit"
        label=${t('unit')}
        value=${unitId}
        onChange=${setUnitId}
        error=${err}
      />
      <fieldset class="checks" aria-describedby="route-events-hint">
        <legend>${t('events')} <span class="muted small">${tc('required')}</span></legend>
        <p class="muted small" id="route-events-hint">${t('eventsHint')}</p>
        ${EVENTS.map(
          (ev) =>
            html`<label class="check">
              <input
                type="checkbox"
                name="events"
                value=${ev}
                checked=${events.includes(ev)}
                onChange=${(e: Event) =>
                  setEvents(toggle(events, ev, (e.target as HTMLInputElement).checked))}
              />
              ${enumLabel('event', ev)}
            </label>`,
        )}
        <${FieldError} error=${err} id="route-events" names=${['events']} />
      </fieldset>
      <fieldset class="checks" aria-describedby="route-categories-hint">
        <legend>${t('categories')}</legend>
        <p class="muted small" id="route-categories-hint">${t('categoriesHint')}</p>
        ${CATEGORIES.map(
          (c) =>
            html`<label class="check">
              <input
                type="checkbox"
                name="categories"
                value=${c}
                checked=${categories.includes(c)}
                onChange=${(e: Event) =>
                  setCategories(toggle(categories, c, (e.target as HTMLInputElement).checked))}
              />
              ${enumLabel('cat', c)}
            </label>`,
        )}
        <${FieldError} error=${err} id="route-categories" names=${['categories']} />
      </fieldset>
      <${FormFooter}
        error=${err}
        busy=${action.busy}
        save=${!!route}
        onCancel=${route ? onCancel : undefined}
        row
      />
    </form>
  </${Card}>`;
}
