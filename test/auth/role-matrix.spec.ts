import request from 'supertest';
import { App } from 'supertest/types';
import { ACCESS, Domain, Role, ROLES } from '../../src/auth/permissions';
import { tokenFor } from '../support/auth';
import { startTestApp, TestApp } from '../support/app';

/**
 * Every route the API serves × every role (and no sign-in): allowed or denied exactly as the
 * role matrix says. Routes come from the live OpenAPI document, so a new route is walked the
 * day it appears; one that matches no known area fails the test until it is placed.
 */
type Area = Domain | 'public' | 'authenticated';

const AREAS: [RegExp, Area][] = [
  [/^\/health$/, 'public'],
  [/^\/metrics$/, 'public'],
  [/^\/api\/auth\/login$/, 'public'],
  [/^\/api\/public\//, 'public'],
  [/^\/api\/auth\//, 'authenticated'],
  [/^\/api\/tokens/, 'authenticated'],
  [/^\/api\/users/, 'users'],
  [/^\/api\/audit-log/, 'audit'],
  [/^\/api\/incidents/, 'incidents'],
  [/^\/api\/(notification-channels|notification-routes|notifications\/)/, 'notifications'],
  [/^\/api\/reports\//, 'reports'],
  [/^\/api\/(status\/|maintenance-windows)/, 'monitoring'],
  [
    /^\/api\/(units|contacts|contact-roles|sites|devices|interfaces|vlans|prefixes|ip-addresses|circuits|services|ipam|change-log|inventory)\b/,
    'inventory',
  ],
];

const READS = new Set(['get', 'head']);
const SAMPLE_ID = '00000000-0000-4000-8000-000000000000';

let t: TestApp;
let http: App;
const tokens = {} as Record<Role, string>;
let routes: { method: string; path: string; area: Area }[] = [];

beforeAll(async () => {
  t = await startTestApp({ NETWATCH_MONITORING: 'false' });
  http = t.http;
  for (const role of ROLES) tokens[role] = await tokenFor(t.app, role);
  const doc = await request(http).get('/api/docs-json').set('Authorization', '').expect(200);
  const paths = doc.body.paths as Record<string, Record<string, unknown>>;
  routes = Object.entries(paths).flatMap(([path, ops]) =>
    Object.keys(ops).map((method) => {
      const area = AREAS.find(([re]) => re.test(path))?.[1];
      if (!area) throw new Error(`route ${method.toUpperCase()} ${path} is in no known area`);
      return { method, path, area };
    }),
  );
}, 60_000);

afterAll(async () => {
  await t?.close();
});

function allowed(role: Role, area: Area, method: string): boolean {
  if (area === 'public' || area === 'authenticated') return true;
  const grant = ACCESS[role][area];
  return grant === 'rw' || (grant === 'r' && READS.has(method));
}

async function call(method: string, path: string, token: string | null) {
  const url = path.replace(/\{[^}]+\}/g, SAMPLE_ID);
  let req = request(http)
    [method as 'get'](url)
    .set('Authorization', token ? `Bearer ${token}` : '');
  if (!READS.has(method)) req = req.send({});
  return req;
}

it('walks a real number of routes', () => {
  expect(routes.length).toBeGreaterThan(80);
});

it('without sign-in: every non-public route answers 401, public ones never do', async () => {
  const wrong: string[] = [];
  for (const r of routes) {
    const res = await call(r.method, r.path, null);
    const expected401 = r.area !== 'public';
    if (expected401 !== (res.status === 401))
      wrong.push(`${r.method.toUpperCase()} ${r.path}: ${res.status}`);
  }
  expect(wrong).toEqual([]);
}, 120_000);

it.each(ROLES)(
  'as %s: allowed routes pass the guard, the others answer 403',
  async (role) => {
    const wrong: string[] = [];
    for (const r of routes) {
      // Signing out would end nothing for an API token, but keep the walk side-effect free.
      if (r.path === '/api/auth/logout') continue;
      const res = await call(r.method, r.path, tokens[role]);
      const mayPass = allowed(role, r.area, r.method);
      const denied = res.status === 403 && res.body?.error === 'forbidden';
      if (mayPass === denied || res.status === 401)
        wrong.push(
          `${r.method.toUpperCase()} ${r.path}: ${res.status} (${mayPass ? 'allow' : 'deny'})`,
        );
    }
    expect(wrong).toEqual([]);
  },
  180_000,
);

/**
 * Routes that honour a unit scope (`@Scoped()`); a unit-scoped caller is refused every other
 * one. Which objects it then sees is in unit-scope.spec.ts.
 */
const SCOPED_ROUTES: RegExp[] = [
  /^\/api\/(units|contacts|contact-roles|sites|devices|interfaces|vlans|prefixes|ip-addresses|circuits|services)(\/|$)/,
  /^\/api\/incidents(\/|$)/,
  /^\/api\/reports\/compliance$/,
  /^\/api\/status\//,
  /^\/api\/change-log\/objects\//,
];
/** Under scoped prefixes but not scoped themselves: links name any object; IPAM spans units. */
const UNSCOPED_EXCEPTIONS = [
  /^\/api\/incidents\/\{[^}]+\}\/links$/,
  /^\/api\/prefixes\/\{[^}]+\}\/addresses$/,
];

it('as a unit-scoped viewer: only scoped routes pass, and only as the role allows', async () => {
  const admin = request(http);
  const unit = await admin
    .post('/api/units')
    .send({ code: 'MX-A', kind: 'department', name: 'Matrix A' })
    .expect(201);
  await admin
    .post('/api/users')
    .send({
      username: 'matrix-scoped',
      role: 'viewer',
      unitId: unit.body.id,
      password: 'lantern-orchard-77',
    })
    .expect(201);
  const login = await request(http)
    .post('/api/auth/login')
    .set('Authorization', '')
    .send({ username: 'matrix-scoped', password: 'lantern-orchard-77' })
    .expect(200);
  const token = login.body.token as string;
  const wrong: string[] = [];
  for (const r of routes) {
    if (r.path === '/api/auth/logout') continue;
    const res = await call(r.method, r.path, token);
    const scopedRoute =
      r.area === 'public' ||
      r.area === 'authenticated' ||
      (SCOPED_ROUTES.some((re) => re.test(r.path)) &&
        !UNSCOPED_EXCEPTIONS.some((re) => re.test(r.path)));
    const mayPass = scopedRoute && allowed('viewer', r.area, r.method);
    const denied = res.status === 403 && res.body?.error === 'forbidden';
    if (mayPass === denied || res.status === 401)
      wrong.push(
        `${r.method.toUpperCase()} ${r.path}: ${res.status} (${mayPass ? 'allow' : 'deny'})`,
      );
  }
  expect(wrong).toEqual([]);
}, 180_000);
