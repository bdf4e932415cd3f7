/** Admin tab "Users": list, create (password shown once), role/scope/disable, password reset. */
import { useState } from 'preact/hooks';
import { api } from '../lib/api';
import { fmtDateTime } from '../lib/format';
import { useApi } from '../lib/hooks';
import { html } from '../lib/html';
import { messages } from '../lib/i18n';
import { can, useMe } from '../lib/session';
import { Card, ErrorBox } from './ui';
import {
  ConfirmButton,
  enumLabel,
  FieldError,
  invalidAttrs,
  OnceSecret,
  Role,
  ROLES,
  tc,
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
    title: 'Người dùng',
    username: 'Tên đăng nhập',
    displayName: 'Tên hiển thị',
    role: 'Vai trò',
    scope: 'Phạm vi đơn vị',
    status: 'Trạng thái',
    active: 'Đang hoạt động',
    inactive: 'Đã khóa',
    locked: 'Tạm khóa đến {at}',
    created: 'Ngày tạo',
    newUser: 'Thêm người dùng',
    usernameHint: 'Chữ thường, số, ".", "_" hoặc "-".',
    adminGlobal: 'Quản trị viên luôn thấy toàn tỉnh: không giới hạn theo đơn vị.',
    passwordOnce: 'Mật khẩu của {user}',
    createdUser: 'Đã tạo người dùng {user}.',
    resetPassword: 'Đặt lại mật khẩu',
    resetQuestion: 'Tạo mật khẩu mới cho {user}? Mọi phiên đăng nhập của họ sẽ kết thúc.',
    yesReset: 'Có, đặt lại',
    disable: 'Khóa',
    enable: 'Mở khóa',
    editUser: 'Sửa {user}',
    you: '(bạn)',
    count: '{n} người dùng',
    sessionsEnd: 'Đổi vai trò hoặc khóa tài khoản sẽ kết thúc mọi phiên đăng nhập của người đó.',
  },
  en: {
    title: 'Users',
    username: 'Username',
    displayName: 'Display name',
    role: 'Role',
    scope: 'Unit scope',
    status: 'Status',
    active: 'Active',
    inactive: 'Disabled',
    locked: 'Locked until {at}',
    created: 'Created',
    newUser: 'Add a user',
    usernameHint: 'Lower-case letters, digits, ".", "_" or "-".',
    adminGlobal: 'An administrator always sees the whole province: no unit scope.',
    passwordOnce: 'Password of {user}',
    createdUser: 'User {user} created.',
    resetPassword: 'Reset password',
    resetQuestion: 'Generate a new password for {user}? All their sessions end.',
    yesReset: 'Yes, reset',
    disable: 'Disable',
    enable: 'Enable',
    editUser: 'Edit {user}',
    you: '(you)',
    count: '{n} users',
    sessionsEnd: 'Changing the role or disabling the account ends all of that user’s sessions.',
  },
});

interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  unitId: string | null;
  disabled: boolean;
  lockedUntil: string | null;
  createdAt: string;
}

interface Once {
  user: string;
  password: string;
}

export function AdminUsers() {
  const me = useMe();
  const writable = can(me, 'users', true);
  // The API returns every user (a province has tens of accounts, not thousands).
  const list = useApi<{ items: User[] }>('/api/users');
  const [once, setOnce] = useState<Once | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const rowAction = useAction();

  const reset = async (u: User) => {
    const r = await rowAction.run(() =>
      api<{ password?: string }>(`/api/users/${u.id}/password`, { method: 'POST', body: {} }),
    );
    if (r?.password) setOnce({ user: u.username, password: r.password });
  };
  const toggle = async (u: User) => {
    const r = await rowAction.run(() =>
      api<User>(`/api/users/${u.id}`, { method: 'PATCH', body: { disabled: !u.disabled } }),
    );
    if (r) list.reload();
  };

  const users = list.data?.items ?? [];
  return html`
    ${
      once &&
      html`<${OnceSecret}
        testid="user-password-once"
        title=${t('passwordOnce', { user: once.user })}
        value=${once.password}
        onDone=${() => setOnce(null)}
      />`
    }
    <${Card} title=${t('title')}>
      <${ErrorBox} error=${list.error ?? rowAction.error} />
      ${notice && html`<p class="ok" role="status">${notice}</p>`}
      <${AdminTable}
        testid="users-list"
        loading=${list.loading}
        loaded=${!!list.data}
        count=${users.length}
        headers=${[
          t('username'),
          t('displayName'),
          t('role'),
          t('scope'),
          t('status'),
          t('created'),
        ]}
        actions=${writable}
        before=${html`<p class="muted small">${t('count', { n: users.length })}</p>`}
      >
        ${users.map(
          (u) =>
            html`<tr key=${u.id} data-username=${u.username}>
                <td data-label=${t('username')}>
                  <strong>${u.username}</strong>
                  ${u.id === me.userId && html` <span class="muted">${t('you')}</span>`}
                </td>
                <td data-label=${t('displayName')}>
                  ${u.displayName || html`<span class="muted">—</span>`}
                </td>
                <td data-label=${t('role')}>${enumLabel('role', u.role)}</td>
                <td data-label=${t('scope')}><${UnitName} id=${u.unitId} /></td>
                <td data-label=${t('status')}>
                  <span class=${`badge ${u.disabled ? 'state-down' : 'state-up'}`}
                    >${u.disabled ? t('inactive') : t('active')}</span
                  >
                  ${
                    u.lockedUntil &&
                    new Date(u.lockedUntil) > new Date() &&
                    html`<div class="small">
                      ${t('locked', { at: fmtDateTime(u.lockedUntil) })}
                    </div>`
                  }
                </td>
                <td data-label=${t('created')} class="nowrap">${fmtDateTime(u.createdAt)}</td>
                ${
                  writable &&
                  html`<${ActionsCell}>
                    <button
                      type="button"
                      aria-expanded=${editing === u.id}
                      onClick=${() => setEditing(editing === u.id ? null : u.id)}
                    >
                      ${tc('edit')}
                    </button>
                    ${
                      u.id !== me.userId &&
                      html`<button
                        type="button"
                        disabled=${rowAction.busy}
                        onClick=${() => toggle(u)}
                      >
                        ${u.disabled ? t('enable') : t('disable')}
                      </button>`
                    }
                    <${ResetButton} user=${u} onConfirm=${() => reset(u)} />
                  </${ActionsCell}>`
                }
              </tr>
              ${
                editing === u.id &&
                html`<tr class="edit-row">
                  <td colspan="7">
                    <${UserEdit}
                      user=${u}
                      onDone=${(saved: boolean) => {
                        setEditing(null);
                        if (saved) {
                          setNotice(tc('saved'));
                          list.reload();
                        }
                      }}
                    />
                  </td>
                </tr>`
              }`,
        )}
      </${AdminTable}>
    </${Card}>
    ${
      writable &&
      html`<${UserCreate}
        onCreated=${(username: string, password?: string) => {
          setNotice(t('createdUser', { user: username }));
          if (password) setOnce({ user: username, password });
          list.reload();
        }}
      />`
    }
  `;
}

// A reset is not a deletion but still ends the user's sessions: it asks first, like a delete.
function ResetButton({ user, onConfirm }: { user: User; onConfirm: () => void }) {
  return html`<${ConfirmButton}
    label=${t('resetPassword')}
    question=${t('resetQuestion', { user: user.username })}
    yes=${t('yesReset')}
    onConfirm=${onConfirm}
  />`;
}

function UserCreate({ onCreated }: { onCreated: (username: string, password?: string) => void }) {
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [unitId, setUnitId] = useState<string | null>(null);
  const action = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const r = await action.run(() =>
      api<{ user: User; password?: string }>('/api/users', {
        method: 'POST',
        body: {
          username: username.trim(),
          displayName: displayName.trim() || undefined,
          role,
          unitId: role === 'admin' ? null : unitId,
        },
      }),
    );
    if (r) {
      onCreated(r.user.username, r.password);
      setUsername('');
      setDisplayName('');
      setUnitId(null);
    }
  };
  const err = action.error;
  return html`<${Card} title=${t('newUser')}>
    <form data-testid="user-create" onSubmit=${submit} novalidate>
      <div class="form-grid">
        <${Field}
          id="user-username"
          label=${t('username')}
          requiredMark
          names=${['username']}
          error=${err}
        >
          <input
            id="user-username"
            required
            maxlength="64"
            autocomplete="off"
            value=${username}
            onInput=${(e: Event) => setUsername(valueOf(e))}
            ...${invalidAttrs(err, 'user-username', 'username')}
          />
          <p class="muted small">${t('usernameHint')}</p>
        </${Field}>
        <${InputField}
          id="user-display-name"
          label=${t('displayName')}
          names=${['displayName']}
          error=${err}
          value=${displayName}
          onValue=${setDisplayName}
          maxlength="200"
        />
        <${Field} id="user-role" label=${t('role')} names=${['role', 'password']} error=${err}>
          <select
            id="user-role"
            value=${role}
            onChange=${(e: Event) => setRole(valueOf(e) as Role)}
            ...${invalidAttrs(err, 'user-role', 'role')}
          >
            ${ROLES.map((r) => html`<option value=${r}>${enumLabel('role', r)}</option>`)}
          </select>
        </${Field}>
      </div>
      ${
        role === 'admin'
          ? html`<p class="muted small">${t('adminGlobal')}</p>`
          : html`<${UnitPicker}
              id="user-unit"
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

function UserEdit({ user, onDone }: { user: User; onDone: (saved: boolean) => void }) {
  const me = useMe();
  const [displayName, setDisplayName] = useState(user.displayName);
  const [role, setRole] = useState<Role>(user.role);
  const [unitId, setUnitId] = useState<string | null>(user.unitId);
  const [disabled, setDisabled] = useState(user.disabled);
  const action = useAction();
  const self = user.id === me.userId;
  const submit = async (e: Event) => {
    e.preventDefault();
    const body: Record<string, unknown> = {};
    if (displayName !== user.displayName) body.displayName = displayName;
    if (role !== user.role) body.role = role;
    const nextUnit = role === 'admin' ? null : unitId;
    if (nextUnit !== user.unitId) body.unitId = nextUnit;
    if (disabled !== user.disabled) body.disabled = disabled;
    if (!Object.keys(body).length) return onDone(false);
    const r = await action.run(() => api<User>(`/api/users/${user.id}`, { method: 'PATCH', body }));
    if (r) onDone(true);
  };
  const err = action.error;
  const id = `user-edit-${user.id}`;
  return html`<form
    class="inline-form"
    onSubmit=${submit}
    aria-label=${t('editUser', { user: user.username })}
  >
    <div class="form-grid">
      <${InputField}
        id=${`${id}-name`}
        label=${t('displayName')}
        names=${['displayName']}
        error=${err}
        value=${displayName}
        onValue=${setDisplayName}
        maxlength="200"
      />
      <${Field} id=${`${id}-role`} label=${t('role')} names=${['role']} error=${err}>
        <select
          id=${`${id}-role`}
          value=${role}
          disabled=${self}
          onChange=${(e: Event) => setRole(valueOf(e) as Role)}
          ...${invalidAttrs(err, `${id}-role`, 'role')}
        >
          ${ROLES.map((r) => html`<option value=${r}>${enumLabel('role', r)}</option>`)}
        </select>
      </${Field}>
      <div>
        <label class="check">
          <input
            type="checkbox"
            checked=${disabled}
            disabled=${self}
            onChange=${(e: Event) => setDisabled((e.target as HTMLInputElement).checked)}
          />
          ${t('inactive')}
        </label>
        <${FieldError} error=${err} id=${`${id}-disabled`} names=${['disabled']} />
      </div>
    </div>
    ${
      role === 'admin'
        ? html`<p class="muted small">${t('adminGlobal')}</p>`
        : html`<${UnitPicker}
            id=${`${id}-unit`}
            label=${t('scope')}
            value=${unitId}
            onChange=${setUnitId}
            error=${err}
          />`
    }
    <p class="muted small">${t('sessionsEnd')}</p>
    <${FormFooter} error=${err} busy=${action.busy} save onCancel=${() => onDone(false)} row />
  </form>`;
}
