import request from 'supertest';
import { Client } from 'pg';
import { startTestApp, TestApp } from '../support/app';

/**
 * Against the machine's own PostgreSQL (a different major version from the embedded one, and a
 * server we did not start): migrations, the example province, subtree queries, GiST containment
 * and the export round trip must behave the same.
 */
describe('external PostgreSQL (DATABASE_URL)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({}, { loadExample: true });
  }, 60_000);
  afterAll(async () => t?.close());

  it('runs on the server named by DATABASE_URL', async () => {
    const c = new Client({ connectionString: t.databaseUrl });
    await c.connect();
    const { rows } = await c.query<{ port: number }>('SELECT inet_server_port() AS port');
    await c.end();
    expect(new URL(process.env.DATABASE_URL ?? '').port || '5432').toBe(String(rows[0].port));
  });

  it('serves the example province with subtree filters and IP containment', async () => {
    const server = t.http;
    const province = await request(server).get('/api/units/LD/tree').expect(200);
    expect(province.body.children.length).toBeGreaterThanOrEqual(30);
    const all = await request(server).get('/api/units?limit=1').expect(200);
    const baoLoc = await request(server).get('/api/units?unit=H-BAOLOC&limit=500').expect(200);
    expect(baoLoc.body.total).toBeGreaterThan(1);
    expect(baoLoc.body.total).toBeLessThan(all.body.total);
    const lookup = await request(server).get('/api/ipam/lookup?address=198.51.100.241').expect(200);
    expect(lookup.body.prefixes.length).toBeGreaterThan(0);
  });

  it('re-imports its own export without a change', async () => {
    const server = t.http;
    const exported = await request(server).get('/api/inventory/export?format=yaml').expect(200);
    const report = await request(server)
      .post('/api/inventory/import')
      .send({ files: [{ name: 'export.yaml', content: exported.text }] })
      .expect(200);
    expect(report.body.changes).toEqual([]);
    expect(report.body.records).toBeGreaterThan(500);
  });
});
