import type { ComponentChildren } from 'preact';
import { api, setToken } from '../lib/api';
import { html } from '../lib/html';
import { lang, messages, setLang } from '../lib/i18n';
import { can, Domain, useMe } from '../lib/session';

const t = messages({
  vi: {
    skip: 'Bỏ qua tới nội dung',
    overview: 'Tổng quan',
    scorecards: 'Bảng điểm',
    incidents: 'Sự cố',
    inventory: 'Danh mục',
    reports: 'Báo cáo',
    admin: 'Quản trị',
    status: 'Trang trạng thái công khai',
    logout: 'Đăng xuất',
    switchLang: 'English',
    switchLangLabel: 'Switch to English',
    nav: 'Điều hướng chính',
    signedIn: 'Đăng nhập: {user} ({role})',
  },
  en: {
    skip: 'Skip to content',
    overview: 'Overview',
    scorecards: 'Scorecards',
    incidents: 'Incidents',
    inventory: 'Inventory',
    reports: 'Reports',
    admin: 'Admin',
    status: 'Public status page',
    logout: 'Sign out',
    switchLang: 'Tiếng Việt',
    switchLangLabel: 'Chuyển sang tiếng Việt',
    nav: 'Main navigation',
    signedIn: 'Signed in: {user} ({role})',
  },
});

const NAV: { path: string; key: Parameters<typeof t>[0]; domain: Domain }[] = [
  { path: '/', key: 'overview', domain: 'monitoring' },
  { path: '/scorecards', key: 'scorecards', domain: 'monitoring' },
  { path: '/incidents', key: 'incidents', domain: 'incidents' },
  { path: '/inventory', key: 'inventory', domain: 'inventory' },
  { path: '/reports', key: 'reports', domain: 'reports' },
  { path: '/admin', key: 'admin', domain: 'users' },
];

export function LanguageSwitch() {
  return html`<button
    type="button"
    class="lang-switch"
    lang=${lang() === 'vi' ? 'en' : 'vi'}
    aria-label=${t('switchLangLabel')}
    onClick=${() => setLang(lang() === 'vi' ? 'en' : 'vi')}
  >
    ${t('switchLang')}
  </button>`;
}

/** Header, main navigation (only what the caller's role may read), and the page. */
export function Layout({ path, children }: { path: string; children: ComponentChildren }) {
  const me = useMe();
  const section = '/' + (path.split('/')[1] ?? '');
  const logout = async () => {
    try {
      await api('/api/auth/logout', { method: 'POST' });
    } finally {
      setToken(null);
      location.hash = '#/';
      location.reload();
    }
  };
  const adminVisible = can(me, 'users') || can(me, 'notifications') || can(me, 'monitoring', true);
  return html`
    <a
      class="skip"
      href="#main"
      onClick=${(e: Event) => {
        e.preventDefault();
        document.getElementById('main')?.focus();
      }}
      >${t('skip')}</a
    >
    <header class="top">
      <a class="brand" href="#/">NetWatch</a>
      <nav aria-label=${t('nav')}>
        <ul>
          ${NAV.filter((n) => (n.key === 'admin' ? adminVisible : can(me, n.domain))).map(
            (n) =>
              html`<li>
                <a href=${`#${n.path}`} aria-current=${section === n.path ? 'page' : undefined}
                  >${t(n.key)}</a
                >
              </li>`,
          )}
        </ul>
      </nav>
      <div class="top-right">
        <a href="/status" class="muted small">${t('status')}</a>
        <span class="muted small">${t('signedIn', { user: me.username, role: me.role })}</span>
        <${LanguageSwitch} />
        <button type="button" onClick=${logout}>${t('logout')}</button>
      </div>
    </header>
    <main id="main" tabindex="-1">${children}</main>
  `;
}
