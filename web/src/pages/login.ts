import { useState } from 'preact/hooks';
import { api, ApiError, setToken } from '../lib/api';
import { html } from '../lib/html';
import { messages } from '../lib/i18n';
import { ErrorBox } from '../components/ui';
import { LanguageSwitch } from '../components/layout';

const t = messages({
  vi: {
    title: 'Đăng nhập NetWatch',
    intro: 'Giám sát mạng, IPv6 và DNSSEC của Sở Thông tin và Truyền thông.',
    username: 'Tên đăng nhập',
    password: 'Mật khẩu',
    submit: 'Đăng nhập',
    busy: 'Đang đăng nhập…',
    locked: 'Tài khoản tạm khoá do nhập sai nhiều lần. Thử lại sau.',
    wrong: 'Sai tên đăng nhập hoặc mật khẩu.',
  },
  en: {
    title: 'Sign in to NetWatch',
    intro:
      'Network, IPv6 and DNSSEC monitoring for the Department of Information and Communications.',
    username: 'Username',
    password: 'Password',
    submit: 'Sign in',
    busy: 'Signing in…',
    locked: 'Too many failed attempts: the account is locked for a while. Try again later.',
    wrong: 'Wrong username or password.',
  },
});

export function LoginPage({ onSignedIn }: { onSignedIn: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api<{ token: string }>('/api/auth/login', {
        method: 'POST',
        body: { username, password },
      });
      setToken(r.token);
      onSignedIn();
    } catch (err) {
      if (err instanceof ApiError && err.status === 429) setError(new Error(t('locked')));
      else if (err instanceof ApiError && err.status === 401) setError(new Error(t('wrong')));
      else setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  return html`<main id="main" class="login">
    <div class="login-lang"><${LanguageSwitch} /></div>
    <form class="card login-card" onSubmit=${submit} aria-labelledby="login-title">
      <h1 id="login-title">${t('title')}</h1>
      <p class="muted">${t('intro')}</p>
      <label for="username">${t('username')}</label>
      <input
        id="username"
        name="username"
        autocomplete="username"
        required
        value=${username}
        onInput=${(e: Event) => setUsername((e.target as HTMLInputElement).value)}
      />
      <label for="password">${t('password')}</label>
      <input
        id="password"
        name="password"
        type="password"
        autocomplete="current-password"
        required
        value=${password}
        onInput=${(e: Event) => setPassword((e.target as HTMLInputElement).value)}
      />
      <${ErrorBox} error=${error} />
      <button type="submit" class="primary" disabled=${busy}>
        ${busy ? t('busy') : t('submit')}
      </button>
    </form>
  </main>`;
}
