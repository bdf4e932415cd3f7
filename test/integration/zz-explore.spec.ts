import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { startTestApp, TestApp } from '../support/app';

const dir = join(__dirname, '../fixtures/import');
describe('explore', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());
  it('yaml', async () => {
    const content = readFileSync(join(dir, 'small-province.yaml'), 'utf8');
    const res = await request(t.app.getHttpServer()).post('/api/inventory/import').send({ files: [{ name: 'small-province.yaml', content }] });
    console.log(res.status, JSON.stringify(res.body, null, 1));
    const csvFiles = readdirSync(join(dir, 'csv')).map((name) => ({ name, content: readFileSync(join(dir, 'csv', name), 'utf8') }));
    const res2 = await request(t.app.getHttpServer()).post('/api/inventory/import').send({ dryRun: true, files: csvFiles });
    console.log(res2.status, JSON.stringify(res2.body, null, 1));
    const ex = await request(t.app.getHttpServer()).get('/api/inventory/export?format=yaml');
    console.log(ex.status, ex.headers['content-type'], ex.text);
  });
});
