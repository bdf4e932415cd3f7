/**
 * Admin tab "Notification channels": list, create/edit per kind (webhook, e-mail, Telegram),
 * send a test, delete. Secrets are write-only: the API names the ones set (`secretFields`) and
 * a secret is sent only when typed; the inputs are emptied once saved.
 */
import { useState } from 'preact/hooks';
import { api, ApiError } from '../lib/api';
import { useApi } from '../lib/hooks';
import { html } from '../lib/html';
import { messages } from '../lib/i18n';
import { can, useMe } from '../lib/session';
import { Card, ErrorBox } from './ui';
import {
  CHANNEL_KINDS,
  ChannelKind,
  ConfirmButton,
  enumLabel,
  FieldError,
  invalidAttrs,
  tc,
  useAction,
  valueOf,
  ActionsCell,
  AdminTable,
  EnabledBadge,
  FormFooter,
  useEditor,
  Field,
  InputField,
} from './admin-common';

const t = messages({
  vi: {
    title: 'Kênh thông báo',
    kind: 'Loại',
    target: 'Gửi tới',
    state: 'Trạng thái',
    secrets: 'Bí mật',
    set: 'đã đặt',
    notSet: 'chưa đặt',
    newChannel: 'Thêm kênh thông báo',
    editChannel: 'Sửa kênh "{name}"',
    test: 'Gửi thử',
    testing: 'Đang gửi thử…',
    testOk: 'Gửi thử tới "{name}" thành công',
    testFail: 'Gửi thử tới "{name}" thất bại',
    retryable: 'lỗi tạm thời: tin thật trong hàng đợi sẽ được tự gửi lại',
    notRetryable: 'lỗi cố định, cần sửa cấu hình',
    enabledLabel: 'Bật kênh (tắt: tin nhắn giữ trong hàng đợi)',
    kindFixed: 'Không đổi được loại của kênh đã có: hãy tạo kênh mới.',
    secretSection: 'Bí mật (chỉ ghi, không bao giờ hiển thị lại)',
    secretHint: 'Để trống để giữ nguyên. Gõ giá trị mới để thay.',
    secretReplaceWarn:
      'Lưu ý: lưu một bí mật sẽ thay TOÀN BỘ bí mật của kênh. Các bí mật đang đặt mà không gõ lại ({fields}) sẽ bị xóa.',
    clearSecrets: 'Xóa mọi bí mật của kênh',
    created: 'Đã tạo kênh "{name}".',
    updated: 'Đã lưu kênh "{name}".',
    deleteQuestion: 'Xóa kênh "{name}" cùng các quy tắc và tin đang chờ của nó?',
    headersFormat: 'Mỗi dòng một header: "Tên: giá trị".',
    badHeaderLine: 'dòng {n} không có dạng "Tên: giá trị"',
    f_url: 'URL nhận (http/https)',
    f_template: 'Mẫu nội dung',
    f_body: 'Mẫu JSON (Mustache)',
    f_bodyHint: 'Đặt mỗi {{giá trị}} trong dấu ngoặc kép, ví dụ {"text": "{{text}}"}.',
    f_zaloUserId: 'Zalo user_id của người nhận',
    f_language: 'Ngôn ngữ tin nhắn',
    f_headers: 'Header thêm (không bí mật)',
    f_timeoutMs: 'Thời gian chờ (ms)',
    f_host: 'Máy chủ SMTP',
    f_port: 'Cổng',
    f_portHint: 'Để trống: 587 (465 với TLS).',
    f_security: 'Bảo mật kết nối',
    f_from: 'Địa chỉ gửi',
    f_to: 'Người nhận (mỗi dòng một địa chỉ)',
    f_username: 'Tài khoản SMTP',
    f_rejectUnauthorized: 'Kiểm tra chứng chỉ máy chủ',
    f_chatId: 'Chat ID (ví dụ -1001234567890 hoặc @kenh)',
    f_apiBase: 'Địa chỉ Bot API',
    f_apiBaseHint: 'Để trống: https://api.telegram.org',
    s_hmacKey: 'Khóa HMAC (ít nhất 16 ký tự)',
    s_headers: 'Header bí mật (ví dụ Authorization, access_token của Zalo)',
    s_password: 'Mật khẩu SMTP',
    s_botToken: 'Bot token (từ @BotFather)',
    o_netwatch: 'NetWatch JSON',
    o_zalo: 'Zalo OA',
    o_custom: 'Tùy chỉnh',
    o_vi: 'Tiếng Việt',
    o_en: 'English',
    o_starttls: 'STARTTLS (bắt buộc)',
    o_tls: 'TLS ngay từ đầu',
    o_none: 'Không mã hóa',
  },
  en: {
    title: 'Notification channels',
    kind: 'Kind',
    target: 'Sends to',
    state: 'State',
    secrets: 'Secrets',
    set: 'set',
    notSet: 'not set',
    newChannel: 'Add a notification channel',
    editChannel: 'Edit channel "{name}"',
    test: 'Send test',
    testing: 'Sending a test…',
    testOk: 'Test to "{name}" delivered',
    testFail: 'Test to "{name}" failed',
    retryable: 'temporary error: real messages in the outbox are retried',
    notRetryable: 'permanent error, fix the settings',
    enabledLabel: 'Channel on (off: messages wait in the outbox)',
    kindFixed: 'The kind of an existing channel cannot change: create a new channel.',
    secretSection: 'Secrets (write-only, never shown again)',
    secretHint: 'Leave empty to keep. Type a new value to replace.',
    secretReplaceWarn:
      'Note: saving a secret replaces ALL secrets of the channel. Secrets that are set but not typed again ({fields}) are removed.',
    clearSecrets: 'Remove every secret of the channel',
    created: 'Channel "{name}" created.',
    updated: 'Channel "{name}" saved.',
    deleteQuestion: 'Delete the channel "{name}" with its routes and queued messages?',
    headersFormat: 'One header per line: "Name: value".',
    badHeaderLine: 'line {n} is not "Name: value"',
    f_url: 'Receiver URL (http/https)',
    f_template: 'Body template',
    f_body: 'JSON template (Mustache)',
    f_bodyHint: 'Put every {{value}} between quotes, e.g. {"text": "{{text}}"}.',
    f_zaloUserId: 'Recipient’s Zalo user_id',
    f_language: 'Message language',
    f_headers: 'Extra headers (not secret)',
    f_timeoutMs: 'Timeout (ms)',
    f_host: 'SMTP server',
    f_port: 'Port',
    f_portHint: 'Empty: 587 (465 with TLS).',
    f_security: 'Connection security',
    f_from: 'From address',
    f_to: 'Recipients (one address per line)',
    f_username: 'SMTP user name',
    f_rejectUnauthorized: 'Verify the server certificate',
    f_chatId: 'Chat ID (e.g. -1001234567890 or @channel)',
    f_apiBase: 'Bot API address',
    f_apiBaseHint: 'Empty: https://api.telegram.org',
    s_hmacKey: 'HMAC key (at least 16 characters)',
    s_headers: 'Secret headers (e.g. Authorization, Zalo’s access_token)',
    s_password: 'SMTP password',
    s_botToken: 'Bot token (from @BotFather)',
    o_netwatch: 'NetWatch JSON',
    o_zalo: 'Zalo OA',
    o_custom: 'Custom',
    o_vi: 'Tiếng Việt',
    o_en: 'English',
    o_starttls: 'STARTTLS (required)',
    o_tls: 'Implicit TLS',
    o_none: 'None (plain)',
  },
});
type Key = Parameters<typeof t>[0];

export interface Channel {
  id: string;
  name: string;
  kind: ChannelKind;
  enabled: boolean;
  config: Record<string, unknown>;
  secretFields: string[];
}

interface DeliveryResult {
  ok: boolean;
  code?: number;
  detail: string;
  retryable: boolean;
}

type Values = Record<string, string>;

interface FieldSpec {
  key: string;
  type: 'text' | 'number' | 'select' | 'textarea' | 'checkbox' | 'headers' | 'lines';
  options?: string[];
  required?: boolean;
  hint?: Key;
  /** Shown only when this holds (e.g. the Zalo user id for the Zalo template). */
  when?: (v: Values) => boolean;
  placeholder?: string;
}

// The fields of each kind (src/notifications/channels/README.md); the API refuses unknown ones.
const CONFIG_FIELDS: Record<ChannelKind, FieldSpec[]> = {
  webhook: [
    { key: 'url', type: 'text', required: true, placeholder: 'https://' },
    { key: 'template', type: 'select', options: ['netwatch', 'zalo', 'custom'] },
    {
      key: 'zaloUserId',
      type: 'text',
      required: true,
      when: (v) => v['c.template'] === 'zalo',
    },
    {
      key: 'body',
      type: 'textarea',
      required: true,
      hint: 'f_bodyHint',
      when: (v) => v['c.template'] === 'custom',
    },
    { key: 'language', type: 'select', options: ['vi', 'en'] },
    { key: 'headers', type: 'headers', hint: 'headersFormat' },
    { key: 'timeoutMs', type: 'number', placeholder: '10000' },
  ],
  email: [
    { key: 'host', type: 'text', required: true },
    { key: 'port', type: 'number', hint: 'f_portHint' },
    { key: 'security', type: 'select', options: ['starttls', 'tls', 'none'] },
    { key: 'from', type: 'text', required: true },
    { key: 'to', type: 'lines', required: true },
    { key: 'language', type: 'select', options: ['vi', 'en'] },
    { key: 'username', type: 'text' },
    { key: 'timeoutMs', type: 'number', placeholder: '30000' },
    { key: 'rejectUnauthorized', type: 'checkbox' },
  ],
  telegram: [
    { key: 'chatId', type: 'text', required: true },
    {
      key: 'apiBase',
      type: 'text',
      hint: 'f_apiBaseHint',
      placeholder: 'https://api.telegram.org',
    },
    { key: 'language', type: 'select', options: ['vi', 'en'] },
    { key: 'timeoutMs', type: 'number', placeholder: '10000' },
  ],
};

const SECRET_FIELDS: Record<ChannelKind, FieldSpec[]> = {
  webhook: [
    { key: 'hmacKey', type: 'text' },
    { key: 'headers', type: 'headers', hint: 'headersFormat' },
  ],
  email: [{ key: 'password', type: 'text' }],
  telegram: [{ key: 'botToken', type: 'text' }],
};

const DEFAULTS: Values = {
  'c.template': 'netwatch',
  'c.language': 'vi',
  'c.security': 'starttls',
  'c.rejectUnauthorized': 'true',
};

function visible(spec: FieldSpec, v: Values): boolean {
  return !spec.when || spec.when(v);
}

/** A config as the form edits it: every value as text. */
function toValues(c: Channel): Values {
  const v: Values = { ...DEFAULTS };
  for (const [k, value] of Object.entries(c.config)) {
    if (Array.isArray(value)) v[`c.${k}`] = value.join('\n');
    else if (value && typeof value === 'object')
      v[`c.${k}`] = Object.entries(value as Record<string, unknown>)
        .map(([h, x]) => `${h}: ${String(x)}`)
        .join('\n');
    else v[`c.${k}`] = String(value);
  }
  return v;
}

/** "Name: value" lines as an object; a line without a colon is a field error. */
function parseHeaders(text: string, field: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const at = line.indexOf(':');
    if (at <= 0)
      throw new ApiError(400, t('badHeaderLine', { n: i + 1 }), 'validation_error', [
        { field, message: t('badHeaderLine', { n: i + 1 }) },
      ]);
    out[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  });
  return out;
}

function collect(specs: FieldSpec[], v: Values, prefix: 'c' | 's'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const group = prefix === 'c' ? 'config' : 'secret';
  for (const spec of specs) {
    if (!visible(spec, v)) continue;
    const raw = v[`${prefix}.${spec.key}`] ?? '';
    if (spec.type === 'checkbox') {
      out[spec.key] = raw === 'true';
      continue;
    }
    if (raw.trim() === '') continue;
    if (spec.type === 'number') {
      const n = Number(raw);
      // Not a number: sent as typed so that the API names the field.
      out[spec.key] = Number.isFinite(n) ? n : raw;
    } else if (spec.type === 'lines') {
      out[spec.key] = raw
        .split(/[\n,;]+/)
        .map((x) => x.trim())
        .filter(Boolean);
    } else if (spec.type === 'headers') {
      const headers = parseHeaders(raw, `${group}.${spec.key}`);
      if (Object.keys(headers).length) out[spec.key] = headers;
    } else {
      out[spec.key] = spec.type === 'text' ? raw.trim() : raw;
    }
  }
  return out;
}

/** Where a channel sends, in a few words (never a secret: those are not in `config`). */
function targetOf(c: Channel): string {
  const cfg = c.config;
  if (c.kind === 'webhook') return String(cfg.url ?? '');
  if (c.kind === 'email') {
    const to = Array.isArray(cfg.to) ? cfg.to.join(', ') : '';
    return `${String(cfg.host ?? '')}${cfg.port ? `:${String(cfg.port)}` : ''} → ${to}`;
  }
  return String(cfg.chatId ?? '');
}

export function AdminChannels() {
  const me = useMe();
  const writable = can(me, 'notifications', true);
  // Channels are a handful per province; the API lists them whole.
  const list = useApi<{ items: Channel[] }>('/api/notification-channels');
  const [notice, setNotice] = useState<string | null>(null);
  const { editing, setEditing, formKey, resetForm, startEdit } = useEditor<Channel>(
    'channel-name',
    () => setNotice(null),
  );
  const [test, setTest] = useState<{ name: string; result?: DeliveryResult } | null>(null);
  const rowAction = useAction();

  const runTest = async (c: Channel) => {
    setTest({ name: c.name });
    const result = await rowAction.run(() =>
      api<DeliveryResult>(`/api/notification-channels/${c.id}/test`, { method: 'POST' }),
    );
    setTest(result ? { name: c.name, result } : null);
  };
  const remove = async (c: Channel) => {
    const ok = await rowAction.run(() =>
      api<void>(`/api/notification-channels/${c.id}`, { method: 'DELETE' }).then(() => true),
    );
    if (ok) {
      setNotice(tc('deleted'));
      if (editing?.id === c.id) setEditing(null);
      list.reload();
    }
  };

  const channels = list.data?.items ?? [];
  return html`
    <${Card} title=${t('title')}>
      <${ErrorBox} error=${list.error ?? rowAction.error} />
      ${notice && html`<p class="ok" role="status">${notice}</p>`}
      <div aria-live="polite" data-testid="channel-test-result">
        ${test && !test.result && html`<p class="muted" role="status">${t('testing')}</p>`}
        ${
          test?.result &&
          html`<div class=${test.result.ok ? 'ok' : 'error'} role="status">
            <strong
              >${test.result.ok ? '✓ ' : '✗ '}${t(test.result.ok ? 'testOk' : 'testFail', { name: test.name })}</strong
            >
            <div>
              ${test.result.code !== undefined && html`<code>${test.result.code}</code> `}${test.result.detail}
            </div>
            ${
              !test.result.ok &&
              html`<div class="small">
                ${t(test.result.retryable ? 'retryable' : 'notRetryable')}
              </div>`
            }
          </div>`
        }
      </div>
      <${AdminTable}
        testid="channels-list"
        loading=${list.loading}
        loaded=${!!list.data}
        count=${channels.length}
        headers=${[tc('name'), t('kind'), t('target'), t('state'), t('secrets')]}
        actions=${writable}
      >
        ${channels.map(
          (c) =>
            html`<tr key=${c.id} data-channel-name=${c.name}>
              <td data-label=${tc('name')}><strong>${c.name}</strong></td>
              <td data-label=${t('kind')}>
                ${enumLabel('kind', c.kind)}
                ${
                  c.kind === 'webhook' &&
                  html`<div class="muted small">
                    ${t(`o_${String(c.config.template ?? 'netwatch')}` as Key)}
                  </div>`
                }
              </td>
              <td data-label=${t('target')} class="break">${targetOf(c)}</td>
              <td data-label=${t('state')}><${EnabledBadge} enabled=${c.enabled} /></td>
              <td data-label=${t('secrets')}>
                <ul class="plain small">
                  ${SECRET_FIELDS[c.kind].map(
                    (s) =>
                      html`<li>
                        <code>${s.key}</code>${': '}
                        ${
                          c.secretFields.includes(s.key)
                            ? html`<strong>${t('set')}</strong>`
                            : html`<span class="muted">${t('notSet')}</span>`
                        }
                      </li>`,
                  )}
                  ${c.secretFields
                    .filter((f) => !SECRET_FIELDS[c.kind].some((s) => s.key === f))
                    .map((f) => html`<li>${f}</li>`)}
                </ul>
              </td>
              ${
                writable &&
                html`<${ActionsCell}>
                  <button
                    type="button"
                    data-testid="channel-test"
                    disabled=${rowAction.busy}
                    onClick=${() => runTest(c)}
                  >
                    ${t('test')}
                  </button>
                  <button type="button" onClick=${() => startEdit(c)}>${tc('edit')}</button>
                  <${ConfirmButton}
                    label=${tc('delete')}
                    question=${t('deleteQuestion', { name: c.name })}
                    disabled=${rowAction.busy}
                    onConfirm=${() => remove(c)}
                  />
                </${ActionsCell}>`
              }
            </tr>`,
        )}
      </${AdminTable}>
    </${Card}>
    ${
      writable &&
      html`<${ChannelForm}
        key=${formKey}
        channel=${editing}
        onCancel=${() => startEdit(null)}
        onSaved=${(c: Channel, created: boolean) => {
          setNotice(t(created ? 'created' : 'updated', { name: c.name }));
          setEditing(null);
          resetForm();
          list.reload();
        }}
      />`
    }
  `;
}

function ChannelForm({
  channel,
  onSaved,
  onCancel,
}: {
  channel: Channel | null;
  onSaved: (c: Channel, created: boolean) => void;
  onCancel: () => void;
}) {
  const [name, setName] = useState(channel?.name ?? '');
  const [kind, setKind] = useState<ChannelKind>(channel?.kind ?? 'webhook');
  const [enabled, setEnabled] = useState(channel?.enabled ?? true);
  const [values, setValues] = useState<Values>(channel ? toValues(channel) : { ...DEFAULTS });
  const [clearSecrets, setClearSecrets] = useState(false);
  const action = useAction();
  const set = (k: string, v: string) => setValues((old) => ({ ...old, [k]: v }));

  const secretSpecs = SECRET_FIELDS[kind];
  const typedSecrets = secretSpecs.filter((s) => (values[`s.${s.key}`] ?? '').trim() !== '');
  const untypedSet = channel
    ? secretSpecs.filter(
        (s) => channel.secretFields.includes(s.key) && !typedSecrets.some((x) => x.key === s.key),
      )
    : [];

  const submit = async (e: Event) => {
    e.preventDefault();
    const saved = await action.run(async () => {
      const body: Record<string, unknown> = {
        name: name.trim(),
        enabled,
        config: collect(CONFIG_FIELDS[kind], values, 'c'),
      };
      // Secrets travel only when typed (or explicitly cleared): absent keeps the stored ones.
      if (clearSecrets && channel) body.secret = null;
      else if (typedSecrets.length) body.secret = collect(secretSpecs, values, 's');
      if (channel)
        return api<Channel>(`/api/notification-channels/${channel.id}`, { method: 'PATCH', body });
      return api<Channel>('/api/notification-channels', {
        method: 'POST',
        body: { ...body, kind },
      });
    });
    if (saved) onSaved(saved, !channel);
  };

  const err = action.error;
  const field = (spec: FieldSpec, prefix: 'c' | 's') => {
    const k = `${prefix}.${spec.key}`;
    const id = `channel-${prefix === 'c' ? 'config' : 'secret'}-${spec.key}`;
    const apiName = `${prefix === 'c' ? 'config' : 'secret'}.${spec.key}`;
    const label = t(`${prefix === 'c' ? 'f' : 's'}_${spec.key}` as Key);
    const value = values[k] ?? '';
    const a = invalidAttrs(err, id, apiName);
    const described = [spec.hint ? `${id}-hint` : '', a['aria-describedby'] ?? '']
      .filter(Boolean)
      .join(' ');
    const common = {
      id,
      'aria-invalid': a['aria-invalid'],
      'aria-describedby': described || undefined,
    };
    let input: unknown;
    if (spec.type === 'checkbox')
      return html`<div class=${`field ${spec.type}`}>
        <label class="check">
          <input
            type="checkbox"
            ...${common}
            checked=${value === 'true'}
            onChange=${(e: Event) => set(k, String((e.target as HTMLInputElement).checked))}
          />
          ${label}
        </label>
        <${FieldError} error=${err} id=${id} names=${[apiName]} />
      </div>`;
    if (spec.type === 'select')
      input = html`<select ...${common} value=${value} onChange=${(e: Event) => set(k, valueOf(e))}>
        ${spec.options!.map((o) => html`<option value=${o}>${t(`o_${o}` as Key)}</option>`)}
      </select>`;
    else if (spec.type === 'textarea' || spec.type === 'headers' || spec.type === 'lines')
      input = html`<textarea
        ...${common}
        rows=${spec.type === 'textarea' ? 6 : 3}
        value=${value}
        placeholder=${prefix === 's' && channel?.secretFields.includes(spec.key) ? '••••••' : ''}
        autocomplete="off"
        spellcheck=${false}
        onInput=${(e: Event) => set(k, valueOf(e))}
      ></textarea>`;
    else
      input = html`<input
        ...${common}
        type=${prefix === 's' ? 'password' : spec.type === 'number' ? 'number' : 'text'}
        autocomplete=${prefix === 's' ? 'new-password' : 'off'}
        placeholder=${
          prefix === 's' && channel?.secretFields.includes(spec.key)
            ? '••••••'
            : (spec.placeholder ?? '')
        }
        value=${value}
        onInput=${(e: Event) => set(k, valueOf(e))}
      />`;
    return html`<div class=${`field ${spec.type}`}>
      <label for=${id}
        >${label} ${spec.required && html` <span class="muted small">${tc('required')}</span>`}
        ${
          prefix === 's' &&
          html` <span class="badge secret-state">
            ${channel?.secretFields.includes(spec.key) ? t('set') : t('notSet')}
          </span>`
        }</label
      >
      ${input} ${spec.hint && html`<p class="muted small" id=${`${id}-hint`}>${t(spec.hint)}</p>`}
      <${FieldError} error=${err} id=${id} names=${[apiName]} />
    </div>`;
  };

  return html`<${Card} title=${channel ? t('editChannel', { name: channel.name }) : t('newChannel')}>
    <form data-testid="channel-form" onSubmit=${submit} novalidate>
      <div class="form-grid">
        <${InputField}
          id="channel-name"
          label=${tc('name')}
          requiredMark
          names=${['name']}
          error=${err}
          value=${name}
          onValue=${setName}
          maxlength="100"
        />
        <${Field}
          id="channel-kind"
          label=${t('kind')}
          hint=${channel ? t('kindFixed') : undefined}
          names=${['kind']}
          error=${err}
        >
          <select
            id="channel-kind"
            value=${kind}
            disabled=${channel !== null}
            aria-describedby=${channel ? 'channel-kind-hint' : undefined}
            onChange=${(e: Event) => setKind(valueOf(e) as ChannelKind)}
          >
            ${CHANNEL_KINDS.map((k) => html`<option value=${k}>${enumLabel('kind', k)}</option>`)}
          </select>
        </${Field}>
        <div>
          <label class="check">
            <input
              id="channel-enabled"
              type="checkbox"
              checked=${enabled}
              onChange=${(e: Event) => setEnabled((e.target as HTMLInputElement).checked)}
            />
            ${t('enabledLabel')}
          </label>
        </div>
      </div>
      <div class="form-grid">
        ${CONFIG_FIELDS[kind].filter((s) => visible(s, values)).map((s) => field(s, 'c'))}
      </div>
      <fieldset class="secrets">
        <legend>${t('secretSection')}</legend>
        <p class="muted small">${t('secretHint')}</p>
        <div class="form-grid">${secretSpecs.map((s) => field(s, 's'))}</div>
        ${
          typedSecrets.length > 0 &&
          untypedSet.length > 0 &&
          !clearSecrets &&
          html`<p class="warn" role="status">
            ${t('secretReplaceWarn', { fields: untypedSet.map((s) => s.key).join(', ') })}
          </p>`
        }
        ${
          channel &&
          channel.secretFields.length > 0 &&
          html`<label class="check">
            <input
              type="checkbox"
              id="channel-clear-secrets"
              checked=${clearSecrets}
              onChange=${(e: Event) => setClearSecrets((e.target as HTMLInputElement).checked)}
            />
            ${t('clearSecrets')}
          </label>`
        }
      </fieldset>
      <${FormFooter}
        error=${err}
        busy=${action.busy}
        save=${!!channel}
        onCancel=${channel ? onCancel : undefined}
        row
      />
    </form>
  </${Card}>`;
}
