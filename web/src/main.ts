import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, getToken, onUnauthorized } from './lib/api';
import { html } from './lib/html';
import { lang, messages, onLangChange } from './lib/i18n';
import { match, useLocation } from './lib/router';
import { Me, SessionContext } from './lib/session';
import { Layout } from './components/layout';
import { ErrorBox, Loading } from './components/ui';
import { LoginPage } from './pages/login';
import { OverviewPage } from './pages/overview';
import { ScorecardsPage } from './pages/scorecards';
import { ObjectDetailPage } from './pages/object-detail';
import { IncidentsPage } from './pages/incidents';
import { IncidentDetailPage } from './pages/incident-detail';
import { InventoryPage } from './pages/inventory';
import { InventoryEditPage } from './pages/inventory-edit';
import { InventoryImportPage } from './pages/inventory-import';
import { ReportsPage } from './pages/reports';
import { AdminPage } from './pages/admin';
import { PublicStatusPage } from './pages/public-status';

const t = messages({
  vi: { notFound: 'Không có trang này.', home: 'Về trang tổng quan' },
  en: { notFound: 'No such page.', home: 'Back to the overview' },
});

/** The signed-in pages, by hash path. */
function Routes({ path }: { path: string }) {
  const routes: [string, (p: Record<string, string>) => unknown][] = [
    ['/', () => html`<${OverviewPage} />`],
    ['/scorecards', () => html`<${ScorecardsPage} />`],
    ['/scorecards/:domain', (p) => html`<${ScorecardsPage} domain=${p.domain} />`],
    ['/objects/:type/:id', (p) => html`<${ObjectDetailPage} type=${p.type} id=${p.id} />`],
    ['/incidents', () => html`<${IncidentsPage} />`],
    ['/incidents/:id', (p) => html`<${IncidentDetailPage} id=${p.id} />`],
    ['/inventory', () => html`<${InventoryPage} />`],
    ['/inventory/import', () => html`<${InventoryImportPage} />`],
    ['/inventory/:type/new', (p) => html`<${InventoryEditPage} type=${p.type} id="new" />`],
    ['/inventory/:type/:id', (p) => html`<${InventoryEditPage} type=${p.type} id=${p.id} />`],
    ['/reports', () => html`<${ReportsPage} />`],
    ['/admin', () => html`<${AdminPage} tab="users" />`],
    ['/admin/:tab', (p) => html`<${AdminPage} tab=${p.tab} />`],
  ];
  for (const [pattern, view] of routes) {
    const params = match(pattern, path);
    if (params) return view(params);
  }
  return html`<h1>${t('notFound')}</h1>
    <p><a href="#/">${t('home')}</a></p>`;
}

function App() {
  const { path } = useLocation();
  const [, setLangTick] = useState(lang());
  const [me, setMe] = useState<Me | null>(null);
  const [checking, setChecking] = useState(getToken() !== null);
  const [error, setError] = useState<Error | null>(null);

  useEffect(() => onLangChange(setLangTick), []);
  useEffect(() => onUnauthorized(() => setMe(null)), []);
  useEffect(() => {
    document.documentElement.lang = lang();
  }, []);

  const loadMe = () => {
    setChecking(true);
    api<Me>('/api/auth/me')
      .then((m) => {
        setMe(m);
        setError(null);
      })
      .catch((e: Error) => {
        setMe(null);
        if (getToken()) setError(e);
      })
      .finally(() => setChecking(false));
  };
  useEffect(() => {
    if (getToken()) loadMe();
  }, []);

  if (checking) return html`<${Loading} />`;
  if (!me) return html`<${ErrorBox} error=${error} /><${LoginPage} onSignedIn=${loadMe} />`;
  return html`<${SessionContext.Provider} value=${me}>
    <${Layout} path=${path}><${Routes} path=${path} /></${Layout}>
  </${SessionContext.Provider}>`;
}

/** The public status page needs no sign-in and shows nothing else. */
function PublicApp() {
  const [, setLangTick] = useState(lang());
  useEffect(() => onLangChange(setLangTick), []);
  return html`<${PublicStatusPage} />`;
}

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(location.pathname === '/status' ? html`<${PublicApp} />` : html`<${App} />`, root);
}
