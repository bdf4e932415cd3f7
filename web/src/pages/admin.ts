/**
 * Admin: users, API tokens, notification channels and routes, maintenance windows, outbox.
 * Each tab is a link (`#/admin/<tab>`) and appears only when the caller may read it; the API
 * still decides every call.
 */
import { html } from '../lib/html';
import { messages } from '../lib/i18n';
import { href } from '../lib/router';
import { can, Me, useMe } from '../lib/session';
import { AdminChannels } from '../components/admin-channels';
import { AdminMaintenance } from '../components/admin-maintenance';
import { AdminOutbox } from '../components/admin-outbox';
import { AdminRoutes } from '../components/admin-routes';
import { AdminTokens } from '../components/admin-tokens';
import { AdminUsers } from '../components/admin-users';

const t = messages({
  vi: {
    title: 'Quản trị',
    tabs: 'Các mục quản trị',
    users: 'Người dùng',
    tokens: 'Mã truy cập API',
    channels: 'Kênh thông báo',
    routes: 'Quy tắc thông báo',
    maintenance: 'Bảo trì',
    outbox: 'Hàng đợi thông báo',
    noTab: 'Không có mục quản trị này, hoặc bạn không có quyền xem.',
    scoped:
      'Tài khoản giới hạn theo đơn vị không quản lý được thông báo và khung giờ bảo trì (chúng áp dụng cho toàn tỉnh).',
  },
  en: {
    title: 'Administration',
    tabs: 'Administration sections',
    users: 'Users',
    tokens: 'API tokens',
    channels: 'Notification channels',
    routes: 'Notification routes',
    maintenance: 'Maintenance',
    outbox: 'Notification outbox',
    noTab: 'No such section, or you may not see it.',
    scoped:
      'A unit-scoped account cannot manage notifications or maintenance windows (they apply to the whole province).',
  },
});

type Tab = 'users' | 'tokens' | 'channels' | 'routes' | 'maintenance' | 'outbox';

const TABS: { tab: Tab; allowed: (me: Me) => boolean; view: () => unknown }[] = [
  { tab: 'users', allowed: (me) => can(me, 'users'), view: () => html`<${AdminUsers} />` },
  // Every signed-in user has their own tokens.
  { tab: 'tokens', allowed: () => true, view: () => html`<${AdminTokens} />` },
  // The API refuses notifications and maintenance windows to a unit-scoped caller.
  {
    tab: 'channels',
    allowed: (me) => can(me, 'notifications') && !me.unitId,
    view: () => html`<${AdminChannels} />`,
  },
  {
    tab: 'routes',
    allowed: (me) => can(me, 'notifications') && !me.unitId,
    view: () => html`<${AdminRoutes} />`,
  },
  {
    tab: 'maintenance',
    allowed: (me) => can(me, 'monitoring') && !me.unitId,
    view: () => html`<${AdminMaintenance} />`,
  },
  {
    tab: 'outbox',
    allowed: (me) => can(me, 'notifications') && !me.unitId,
    view: () => html`<${AdminOutbox} />`,
  },
];

export function AdminPage({ tab }: { tab: string }) {
  const me = useMe();
  const visible = TABS.filter((x) => x.allowed(me));
  // `/admin` opens the first section the caller may see (users for an admin).
  const current =
    tab === 'users' && !can(me, 'users') ? visible[0] : visible.find((x) => x.tab === tab);
  return html`
    <h1 id="page-title">${t('title')}</h1>
    <nav class="tabs" aria-label=${t('tabs')}>
      ${visible.map(
        (x) =>
          html`<a
            href=${href(`/admin/${x.tab}`)}
            aria-current=${current?.tab === x.tab ? 'page' : undefined}
            data-tab=${x.tab}
            >${t(x.tab)}</a
          >`,
      )}
    </nav>
    ${me.unitId && html`<p class="muted small">${t('scoped')}</p>`}
    ${current ? html`<div key=${current.tab}>${current.view()}</div>` : html`<p class="error" role="alert">${t('noTab')}</p>`}
  `;
}
