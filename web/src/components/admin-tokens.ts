/** Admin tab "API tokens": the caller's tokens (an admin sees all), create (shown once), revoke. */
import { useState } from 'preact/hooks';
import { api } from '../lib/api';
import { fmtDateTime } from '../lib/format';
import { useApi } from '../lib/hooks';
import { html } from '../lib/html';
import { messages } from '../lib/i18n';
import { useMe } from '../lib/session';
import { Card, ErrorBox } from './ui';
import {
  ConfirmButton,
  enumLabel,
  invalidAttrs,
  OnceSecret,
  Role,
  UnitName,
  UnitPicker,
  useAction,
  valueOf,
  ActionsCell,
  AdminTable,
  FormFooter,
  Field,
  InputField,
} from './admin-common';

const t = messages({
  vi: {
    title: 'Mã truy cập API',
    intro:
      'Mã truy cập cho các chương trình tự động. Mã hoạt động thay cho người tạo, với vai trò và phạm vi không rộng hơn.',
    name: 'Tên',
    owner: 'Người sở hữu',
    prefix: 'Tiền tố',
    role: 'Vai trò',
    scope: 'Phạm vi đơn vị',
    expires: 'Hết hạn',
    never: 'Không hết hạn',
    lastUsed: 'Dùng lần cuối',
    neverUsed: 'Chưa dùng',
    status: 'Trạng thái',
    valid: 'Còn hiệu lực',
    revoked: 'Đã thu hồi',
    expired: 'Đã hết hạn',
    revoke: 'Thu hồi',
    revokeQuestion: 'Thu hồi mã "{name}"? Chương trình đang dùng mã sẽ không truy cập được nữa.',
    yesRevoke: 'Có, thu hồi',
    newToken: 'Tạo mã truy cập',
    expiresAt: 'Hết hạn vào ngày',
    expiresHint: 'Để trống: dùng đến khi thu hồi. Hết hạn lúc 23:59 ngày đã chọn (giờ Việt Nam).',
    tokenOnce: 'Mã truy cập "{name}"',
    created: 'Đã tạo mã "{name}".',
    revokedOk: 'Đã thu hồi mã "{name}".',
  },
  en: {
    title: 'API tokens',
    intro:
      'Tokens for automation. A token acts for the user who created it, with a role and scope no wider.',
    name: 'Name',
    owner: 'Owner',
    prefix: 'Prefix',
    role: 'Role',
    scope: 'Unit scope',
    expires: 'Expires',
    never: 'Never',
    lastUsed: 'Last used',
    neverUsed: 'Never used',
    status: 'Status',
    valid: 'Valid',
    revoked: 'Revoked',
    expired: 'Expired',
    revoke: 'Revoke',
    revokeQuestion: 'Revoke the token "{name}"? Programs using it lose access.',
    yesRevoke: 'Yes, revoke',
    newToken: 'Create a token',
    expiresAt: 'Expires on',
    expiresHint: 'Empty: valid until revoked. It expires at 23:59 of that day (Vietnam time).',
    tokenOnce: 'Token "{name}"',
    created: 'Token "{name}" created.',
    revokedOk: 'Token "{name}" revoked.',
  },
});

interface Token {
  id: string;
  name: string;
  prefix: string;
  userId: string;
  username: string;
  role: Role;
  unitId: string | null;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/**
 * The roles a token of a caller with `role` may have: the API's roleWithin (a token never gets
 * a grant its owner lacks) worked out for the four roles.
 */
const TOKEN_ROLES: Record<Role, Role[]> = {
  admin: ['admin', 'operator', 'responder', 'viewer'],
  operator: ['operator', 'viewer'],
  responder: ['responder'],
  viewer: ['viewer'],
};

function tokenState(tk: Token): 'valid' | 'revoked' | 'expired' {
  if (tk.revokedAt) return 'revoked';
  if (tk.expiresAt && new Date(tk.expiresAt) <= new Date()) return 'expired';
  return 'valid';
}

export function AdminTokens() {
  const me = useMe();
  // Bounded by the people and jobs of one province; the API has no paging here.
  const list = useApi<{ items: Token[] }>('/api/tokens');
  const [once, setOnce] = useState<{ name: string; token: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const rowAction = useAction();
  const showOwner = me.role === 'admin' && !me.unitId;

  const revoke = async (tk: Token) => {
    const r = await rowAction.run(() => api<Token>(`/api/tokens/${tk.id}`, { method: 'DELETE' }));
    if (r) {
      setNotice(t('revokedOk', { name: tk.name }));
      list.reload();
    }
  };

  const tokens = list.data?.items ?? [];
  return html`
    ${
      once &&
      html`<${OnceSecret}
        testid="token-once"
        title=${t('tokenOnce', { name: once.name })}
        value=${once.token}
        onDone=${() => setOnce(null)}
      />`
    }
    <${Card} title=${t('title')}>
      <p class="muted">${t('intro')}</p>
      <${ErrorBox} error=${list.error ?? rowAction.error} />
      ${notice && html`<p class="ok" role="status">${notice}</p>`}
      <${AdminTable}
        testid="tokens-list"
        loading=${list.loading}
        loaded=${!!list.data}
        count=${tokens.length}
        headers=${[
          t('name'),
          showOwner && t('owner'),
          t('role'),
          t('scope'),
          t('expires'),
          t('lastUsed'),
          t('status'),
        ]}
        actions
      >
        ${tokens.map((tk) => {
          const state = tokenState(tk);
          return html`<tr key=${tk.id} data-token-name=${tk.name}>
            <td data-label=${t('name')}>
              <strong>${tk.name}</strong>
              <div class="muted small"><code>${tk.prefix}…</code></div>
            </td>
            ${showOwner && html`<td data-label=${t('owner')}>${tk.username}</td>`}
            <td data-label=${t('role')}>${enumLabel('role', tk.role)}</td>
            <td data-label=${t('scope')}><${UnitName} id=${tk.unitId} /></td>
            <td data-label=${t('expires')}>
              ${tk.expiresAt ? fmtDateTime(tk.expiresAt) : t('never')}
            </td>
            <td data-label=${t('lastUsed')}>
              ${tk.lastUsedAt ? fmtDateTime(tk.lastUsedAt) : t('neverUsed')}
            </td>
            <td data-label=${t('status')}>
              <span class=${`badge ${state === 'valid' ? 'state-up' : 'state-down'}`}
                >${t(state)}</span
              >
            </td>
            <${ActionsCell}>
              ${
                state !== 'revoked' &&
                html`<${ConfirmButton}
                  label=${t('revoke')}
                  question=${t('revokeQuestion', { name: tk.name })}
                  yes=${t('yesRevoke')}
                  disabled=${rowAction.busy}
                  onConfirm=${() => revoke(tk)}
                />`
              }
            </${ActionsCell}>
          </tr>`;
        })}
      </${AdminTable}>
    </${Card}>
    <${TokenCreate}
      onCreated=${(name: string, token: string) => {
        setNotice(t('created', { name }));
        setOnce({ name, token });
        list.reload();
      }}
    />
  `;
}

function TokenCreate({ onCreated }: { onCreated: (name: string, token: string) => void }) {
  const me = useMe();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>(me.role);
  const [unitId, setUnitId] = useState<string | null>(me.unitId);
  const [expires, setExpires] = useState('');
  const action = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const r = await action.run(() =>
      api<{ token: string; info: Token }>('/api/tokens', {
        method: 'POST',
        body: {
          name: name.trim(),
          role,
          // An admin token is global like its admin owner.
          unitId: role === 'admin' ? me.unitId : unitId,
          // The last minute of the chosen day in the province's time zone.
          expiresAt: expires ? `${expires}T23:59:59+07:00` : undefined,
        },
      }),
    );
    if (r) {
      onCreated(r.info.name, r.token);
      setName('');
      setExpires('');
    }
  };
  const err = action.error;
  return html`<${Card} title=${t('newToken')}>
    <form data-testid="token-create" onSubmit=${submit} novalidate>
      <div class="form-grid">
        <${InputField}
          id="token-name"
          label=${t('name')}
          requiredMark
          names=${['name']}
          error=${err}
          value=${name}
          onValue=${setName}
          required
          maxlength="100"
          autocomplete="off"
        />
        <${Field} id="token-role" label=${t('role')} names=${['role']} error=${err}>
          <select
            id="token-role"
            value=${role}
            onChange=${(e: Event) => setRole(valueOf(e) as Role)}
            ...${invalidAttrs(err, 'token-role', 'role')}
          >
            ${TOKEN_ROLES[me.role].map((r) => html`<option value=${r}>${enumLabel('role', r)}</option>`)}
          </select>
        </${Field}>
        <${InputField}
          id="token-expires"
          label=${t('expiresAt')}
          hint=${t('expiresHint')}
          names=${['expiresAt']}
          error=${err}
          value=${expires}
          onValue=${setExpires}
          type="date"
          aria-describedby="token-expires-hint"
        />
      </div>
      ${
        role !== 'admin' &&
        html`<${UnitPicker}
          id="token-unit"
          label=${t('scope')}
          value=${unitId}
          onChange=${setUnitId}
          error=${err}
        />`
      }
      <${FormFooter} error=${err} busy=${action.busy} />
    </form>
  </${Card}>`;
}
