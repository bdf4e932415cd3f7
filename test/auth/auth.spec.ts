import request from 'supertest';
import { DataSource } from 'typeorm';
import { AuthService } from '../../src/auth/auth.service';
import { hashPassword, verifyPassword } from '../../src/auth/password';
import { startTestApp, TestApp } from '../support/app';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({
    NETWATCH_MONITORING: 'false',
    NETWATCH_LOCKOUT_ATTEMPTS: '3',
    NETWATCH_LOCKOUT_MINUTES: '15',
  });
});

afterAll(async () => {
  await t?.close();
});

const anon = () => request(t.http);
const as = (token: string) => ({
  get: (url: string) => request(t.http).get(url).set('Authorization', `Bearer ${token}`),
  post: (url: string, body: object = {}) =>
    request(t.http).post(url).set('Authorization', `Bearer ${token}`).send(body),
  del: (url: string) => request(t.http).delete(url).set('Authorization', `Bearer ${token}`),
});

const login = (username: string, password: string) =>
  anon().post('/api/auth/login').set('Authorization', '').send({ username, password });

describe('passwords', () => {
  it('hashes with scrypt (salted, parameters stored) and verifies', async () => {
    const a = await hashPassword('một mật khẩu dài');
    const b = await hashPassword('một mật khẩu dài');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('một mật khẩu dài', a)).toBe(true);
    expect(await verifyPassword('một mật khẩu dai', a)).toBe(false);
  });
});

describe('first start', () => {
  it('creates admin once, with a generated password, and never again', async () => {
    const auth = t.app.get(AuthService);
    const ds = t.app.get(DataSource);
    // The test app already has users: nothing happens.
    expect(await auth.bootstrapAdmin()).toEqual({ created: false });
    await ds.query(`DELETE FROM api_tokens`);
    await ds.query(`DELETE FROM sessions`);
    await ds.query(`DELETE FROM users`);
    const first = await auth.bootstrapAdmin();
    expect(first.created).toBe(true);
    expect(first.password).toMatch(/^[A-Za-z0-9]{20}$/);
    expect((await login('admin', first.password!)).status).toBe(200);
    expect(await auth.bootstrapAdmin()).toEqual({ created: false });
  });
});

describe('sign-in', () => {
  it('signs in, acts as the user, and signs out', async () => {
    // The first-start test removed the test token; sign in as admin with a known password.
    const auth = t.app.get(AuthService);
    const { user } = await auth
      .createUser({ username: 'root2', role: 'admin', password: 'tree-river-stone-42' })
      .then((r) => r);
    const res = await login('root2', 'tree-river-stone-42').expect(200);
    expect(res.body.token).toMatch(/^nws_/);
    expect(res.body.user).toMatchObject({ id: user.id, role: 'admin' });
    expect(JSON.stringify(res.body)).not.toMatch(/scrypt|password_hash|passwordHash/);
    const me = await as(res.body.token).get('/api/auth/me').expect(200);
    expect(me.body).toMatchObject({ kind: 'session', username: 'root2', role: 'admin' });
    await as(res.body.token).post('/api/auth/logout').expect(204);
    await as(res.body.token).get('/api/auth/me').expect(401);
  });

  it('says nothing about which part was wrong, and locks after repeated failures', async () => {
    const admin = (await login('root2', 'tree-river-stone-42')).body.token as string;
    await as(admin)
      .post('/api/users', { username: 'lan', role: 'viewer', password: 'quiet-orchid-1234' })
      .expect(201);
    const unknown = await login('nobody', 'whatever-password').expect(401);
    const wrong = await login('lan', 'not-her-password').expect(401);
    expect(unknown.body.message).toBe(wrong.body.message);
    await login('lan', 'not-her-password').expect(401);
    await login('lan', 'not-her-password').expect(401); // third failure: locked
    const locked = await login('lan', 'quiet-orchid-1234').expect(429);
    expect(locked.body.message).toMatch(/locked/);
    // An admin's reset clears the lockout.
    const [{ id }]: { id: string }[] = await t.app
      .get(DataSource)
      .query(`SELECT id FROM users WHERE username = 'lan'`);
    await as(admin).post(`/api/users/${id}/password`, { password: 'amber-lotus-5678' }).expect(200);
    await login('lan', 'amber-lotus-5678').expect(200);
    const audit: { outcome: string }[] = await t.app
      .get(DataSource)
      .query(`SELECT outcome FROM audit_log WHERE action = 'login' AND actor = 'login:lan'`);
    expect(audit.length).toBeGreaterThanOrEqual(3);
  });

  it('a password change ends the other sessions and keeps this one', async () => {
    const admin = (await login('root2', 'tree-river-stone-42')).body.token as string;
    await as(admin)
      .post('/api/users', { username: 'minh', role: 'responder', password: 'first-harbor-2468' })
      .expect(201);
    const one = (await login('minh', 'first-harbor-2468')).body.token as string;
    const two = (await login('minh', 'first-harbor-2468')).body.token as string;
    const bad = await as(one)
      .post('/api/auth/password', { currentPassword: 'nope', newPassword: 'second-harbor-1357' })
      .expect(400);
    expect(bad.body.details[0].field).toBe('currentPassword');
    const weak = await as(one)
      .post('/api/auth/password', { currentPassword: 'first-harbor-2468', newPassword: 'short' })
      .expect(400);
    expect(weak.body.details[0].field).toBe('newPassword');
    await as(one)
      .post('/api/auth/password', {
        currentPassword: 'first-harbor-2468',
        newPassword: 'second-harbor-1357',
      })
      .expect(204);
    await as(one).get('/api/auth/me').expect(200);
    await as(two).get('/api/auth/me').expect(401);
    await login('minh', 'first-harbor-2468').expect(401);
  });
});

describe('API tokens', () => {
  it('are shown once, stored hashed, no wider than their owner, and revocable', async () => {
    const admin = (await login('root2', 'tree-river-stone-42')).body.token as string;
    await as(admin)
      .post('/api/users', { username: 'hoa', role: 'operator', password: 'mango-pepper-9753' })
      .expect(201);
    const hoa = (await login('hoa', 'mango-pepper-9753')).body.token as string;
    const wide = await as(hoa).post('/api/tokens', { name: 'x', role: 'admin' }).expect(403);
    expect(wide.body.details[0].field).toBe('role');
    const created = await as(hoa)
      .post('/api/tokens', { name: 'pager', role: 'viewer' })
      .expect(201);
    const token = created.body.token as string;
    expect(token).toMatch(/^nwt_/);
    const stored: { token_hash: string }[] = await t.app
      .get(DataSource)
      .query(`SELECT token_hash FROM api_tokens WHERE id = $1`, [created.body.info.id]);
    expect(stored[0].token_hash).not.toContain(token.slice(4));
    const listed = await as(hoa).get('/api/tokens').expect(200);
    expect(JSON.stringify(listed.body)).not.toContain(token);
    // The token acts with its own role (viewer), narrower than its owner's (operator).
    await as(token).get('/api/units').expect(200);
    await as(token).post('/api/units', { code: 'TK', kind: 'department', name: 'T' }).expect(403);
    await as(hoa).post('/api/units', { code: 'TK', kind: 'department', name: 'T' }).expect(201);
    await as(hoa).del(`/api/tokens/${created.body.info.id}`).expect(200);
    await as(token).get('/api/units').expect(401);
  });

  it('refuses an unknown unit as a scope, naming unitId', async () => {
    const admin = (await login('root2', 'tree-river-stone-42')).body.token as string;
    const res = await as(admin)
      .post('/api/users', {
        username: 'scoped',
        role: 'viewer',
        unitId: '00000000-0000-4000-8000-000000000000',
      })
      .expect(400);
    expect(res.body.details[0].field).toBe('unitId');
  });
});

describe('users', () => {
  it('never returns password hashes; a generated password is returned once', async () => {
    const admin = (await login('root2', 'tree-river-stone-42')).body.token as string;
    const created = await as(admin)
      .post('/api/users', { username: 'thu', role: 'operator' })
      .expect(201);
    expect(created.body.password).toMatch(/^[A-Za-z0-9]{20}$/);
    await login('thu', created.body.password as string).expect(200);
    const list = await as(admin).get('/api/users').expect(200);
    expect(JSON.stringify(list.body)).not.toMatch(/scrypt|passwordHash|password_hash/);
    const dup = await as(admin).post('/api/users', { username: 'thu', role: 'viewer' }).expect(409);
    expect(dup.body.details[0].field).toBe('username');
  });
});
