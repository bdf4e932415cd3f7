import request from 'supertest';
import { startTestApp, TestApp } from '../support/app';

/** The organisation named in incident reports comes from the configuration. */
describe('incident report organisation from the configuration', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      NETWATCH_MONITORING: 'false',
      NETWATCH_ORG_NAME: 'Sở Thông tin và Truyền thông tỉnh Thử Nghiệm',
      NETWATCH_ORG_NAME_EN: 'Department of Information and Communications of Test Province',
    });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('uses the configured names, and the default managing body where none is set', async () => {
    const http = t.http;
    const inc = await request(http)
      .post('/api/incidents')
      .send({ title: 'Thư rác giả mạo', severity: 3, category: 'security_event' })
      .expect(201);
    const vi = await request(http).get(`/api/incidents/${inc.body.id}/report`).expect(200);
    expect(vi.body.organisation).toMatchObject({
      name: 'Sở Thông tin và Truyền thông tỉnh Thử Nghiệm',
      managingBody: 'Ủy ban nhân dân tỉnh Lâm Đồng',
    });
    const en = await request(http).get(`/api/incidents/${inc.body.id}/report?lang=en`).expect(200);
    expect(en.body.organisation.name).toBe(
      'Department of Information and Communications of Test Province',
    );
  });
});
