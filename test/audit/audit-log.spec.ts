import request from 'supertest';
import { App } from 'supertest/types';
import { DataSource } from 'typeorm';
import { AuditService } from '../../src/audit/audit.service';
import { startTestApp, TestApp } from '../support/app';

let t: TestApp;
let api: App;
let audit: AuditService;

beforeAll(async () => {
  t = await startTestApp({ NETWATCH_MONITORING: 'false' });
  api = t.http;
  audit = t.app.get(AuditService);
});

afterAll(async () => {
  await t?.close();
});

type Entry = {
  id: string;
  actor: string;
  requestId: string;
  method: string;
  path: string;
  status: number;
  outcome: string;
  sourceAddress: string | null;
};

describe('audit log', () => {
  it('records a change with actor, source, request id, status, and joins the inventory changes', async () => {
    // A refused change is recorded too.
    await request(api)
      .post('/api/units?note=secret-in-query')
      .set('X-Request-Id', 'audit-test-1')
      .send({ code: 'AUD-1', kind: 'galaxy', name: 'Phòng Kiểm tra' })
      .expect(400);
    await request(api)
      .post('/api/units')
      .set('X-Request-Id', 'audit-test-2')
      .send({ code: 'AUD-1', kind: 'department', name: 'Phòng Kiểm tra' })
      .expect(201);
    await audit.flush();

    const list = await request(api).get('/api/audit-log?path=/api/units').expect(200);
    const [ok, refused] = list.body.items as Entry[];
    expect(ok).toMatchObject({
      method: 'POST',
      path: '/api/units',
      status: 201,
      outcome: 'ok',
      requestId: 'audit-test-2',
    });
    // The signed-in principal, not just an address.
    expect(ok.actor).toMatch(/^token:tests \(test-admin-/);
    expect(ok.sourceAddress).toBeTruthy();
    // The query string is never stored (it could carry a secret).
    expect(refused).toMatchObject({ path: '/api/units', status: 400, outcome: 'refused' });

    const one = await request(api).get(`/api/audit-log/${ok.id}`).expect(200);
    expect(one.body.changes).toEqual([
      expect.objectContaining({ objectType: 'unit', action: 'create' }),
    ]);
  });

  it('does not record reads, nor any secret sent in a body', async () => {
    const before = (await request(api).get('/api/audit-log').expect(200)).body.total as number;
    await request(api).get('/api/units').expect(200);
    await request(api).get('/api/audit-log').expect(200);
    await audit.flush();
    expect((await request(api).get('/api/audit-log').expect(200)).body.total).toBe(before);

    await request(api)
      .post('/api/notification-channels')
      .send({
        name: 'audit-hook',
        kind: 'webhook',
        config: { url: 'http://127.0.0.1:9/hook' },
        secret: { hmacKey: 'an-audit-secret-value-123' },
      })
      .expect(201);
    await audit.flush();
    const rows: { row: string }[] = await t.app
      .get(DataSource)
      .query(`SELECT row_to_json(a)::text AS row FROM audit_log a`);
    expect(rows.some((r) => r.row.includes('/api/notification-channels'))).toBe(true);
    expect(rows.some((r) => r.row.includes('an-audit-secret-value'))).toBe(false);
    expect(rows.some((r) => r.row.includes('secret-in-query'))).toBe(false);
  });

  it('filters by outcome and request id; refuses unknown parameters', async () => {
    const refused = await request(api).get('/api/audit-log?outcome=refused').expect(200);
    expect((refused.body.items as Entry[]).every((e) => e.outcome === 'refused')).toBe(true);
    const byRequest = await request(api).get('/api/audit-log?requestId=audit-test-2').expect(200);
    expect(byRequest.body.total).toBe(1);
    await request(api).get('/api/audit-log?colour=red').expect(400);
    await request(api).get('/api/audit-log/999999999').expect(404);
  });

  it('is append-only, even by hand, and the API has no way to change it', async () => {
    const ds = t.app.get(DataSource);
    await expect(ds.query(`UPDATE audit_log SET actor = 'someone else'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(ds.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
    await expect(ds.query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
    const [{ id }] = (await request(api).get('/api/audit-log?limit=1').expect(200)).body
      .items as Entry[];
    await request(api).delete(`/api/audit-log/${id}`).expect(404);
    await request(api).patch(`/api/audit-log/${id}`).send({ actor: 'x' }).expect(404);
  });
});
