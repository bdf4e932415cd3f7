import request, { Response } from 'supertest';
import { App } from 'supertest/types';
import { parsePdf } from '../support/pdf';
import { IncidentsTestApp, insertCheck, startIncidentsApp, tag } from './support';

let t: IncidentsTestApp;
let http: App;

interface ErrorBody {
  error: string;
  message: string;
  details: { field: string; message: string }[];
}

const fields = (body: ErrorBody) => [...new Set(body.details.map((d) => d.field))].sort();

/** Collects a binary body (supertest only buffers text and JSON by itself). */
const binary = (res: Response, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

const getPdf = (path: string) =>
  request(http)
    .get(path)
    .buffer(true)
    .parse(binary as never)
    .expect(200);

/** Seeded objects. */
const s = {
  unit: { id: '', code: '' },
  service: { id: '', hostname: '' },
  device: { id: '', name: '' },
  circuit: { id: '', cid: '' },
  site: { id: '', code: '' },
  check: { id: '', key: '' },
  missing: '0badc0de-0000-4000-8000-000000000000',
};
let incident: { id: string; number: number };
let actor: string;

const UNIT_NAME = 'Trung tâm Công nghệ thông tin và Truyền thông';
const TITLE = 'Mất kết nối Cổng thông tin điện tử tỉnh Lâm Đồng';

beforeAll(async () => {
  t = await startIncidentsApp();
  http = t.app.getHttpServer() as App;
  const ds = t.dataSource;
  const one = async (sql: string, params: unknown[]) =>
    ((await ds.query(sql, params)) as { id: string }[])[0].id;

  s.unit.code = tag('TTCNTT');
  s.unit.id = await one(
    `INSERT INTO units (code, kind, name, name_en) VALUES ($1, 'sub_unit', $2, 'ICT Centre')
     RETURNING id`,
    [s.unit.code, UNIT_NAME],
  );
  s.service.hostname = `${tag('cong')}.lamdong.gov.vn`;
  s.service.id = await one(
    `INSERT INTO services (kind, hostname, name, unit_id, criticality)
     VALUES ('website', $1, 'Cổng thông tin điện tử tỉnh', $2, 'critical') RETURNING id`,
    [s.service.hostname, s.unit.id],
  );
  s.device.name = tag('rtr-dalat');
  s.device.id = await one(
    `INSERT INTO devices (name, role, unit_id) VALUES ($1, 'router', $2) RETURNING id`,
    [s.device.name, s.unit.id],
  );
  s.circuit.cid = tag('VNPT-LD');
  s.circuit.id = await one(
    `INSERT INTO circuits (cid, provider, type, unit_id) VALUES ($1, 'VNPT Lâm Đồng', 'internet', $2)
     RETURNING id`,
    [s.circuit.cid, s.unit.id],
  );
  s.site.code = tag('DC');
  s.site.id = await one(
    `INSERT INTO sites (code, name, name_en, kind, unit_id)
     VALUES ($1, 'Trung tâm dữ liệu tỉnh', 'Provincial data centre', 'data_center', $2) RETURNING id`,
    [s.site.code, s.unit.id],
  );
  s.check.id = await insertCheck(
    ds,
    { type: 'service', id: s.service.id, unitId: s.unit.id },
    'http',
  );
  s.check.key = (
    (await ds.query(`SELECT key FROM checks WHERE id = $1`, [s.check.id])) as {
      key: string;
    }[]
  )[0].key;
  for (const [name, role, phone] of [
    ['Lê Văn Cường', 'security', '0912 000 111'],
    ['Phạm Thị Dung', 'technical', null],
  ] as const) {
    const contact = await one(
      `INSERT INTO contacts (email, name, phone, title, unit_id)
       VALUES ($1, $2, $3, 'Chuyên viên', $4) RETURNING id`,
      [`${tag('c')}@lamdong.gov.vn`, name, phone, s.unit.id],
    );
    await ds.query(
      `INSERT INTO contact_roles (contact_id, object_type, object_id, role) VALUES ($1, 'unit', $2, $3)`,
      [contact, s.unit.id, role],
    );
  }

  // The incident's life up to the initial report.
  t.clock.set('2026-03-02T08:00:00Z');
  const created = await request(http)
    .post('/api/incidents')
    .send({
      title: TITLE,
      description: 'Người dân không truy cập được cổng thông tin từ 15:00.',
      severity: 1,
      category: 'outage',
      assignee: 'Nguyễn Văn An',
      unitId: s.unit.id,
      links: [
        { objectType: 'service', objectId: s.service.id },
        { objectType: 'device', objectId: s.device.id },
        { objectType: 'circuit', objectId: s.circuit.id },
        { objectType: 'site', objectId: s.site.id },
      ],
    })
    .expect(201);
  incident = { id: created.body.id as string, number: created.body.number as number };
  actor = created.body.timeline[0].actor as string;
  t.clock.set('2026-03-02T08:01:00Z');
  await request(http)
    .post(`/api/incidents/${incident.id}/links`)
    .send({ objectType: 'check', objectId: s.check.id })
    .expect(201);
  // A link to an object deleted since (links have no foreign key).
  await ds.query(
    `INSERT INTO incident_links (incident_id, object_type, object_id, created_at)
     VALUES ($1, 'device', $2, '2026-03-02T08:02:00Z')`,
    [incident.id, s.missing],
  );
  t.clock.set('2026-03-02T08:05:00Z');
  await request(http)
    .patch(`/api/incidents/${incident.id}/status`)
    .send({ status: 'acknowledged', note: 'Đã tiếp nhận, đang kiểm tra' })
    .expect(200);
  t.clock.set('2026-03-02T08:20:00Z');
  await request(http)
    .post(`/api/incidents/${incident.id}/notes`)
    .send({ text: 'Nhà mạng VNPT xác nhận đứt cáp quang' })
    .expect(201);
  t.clock.set('2026-03-02T08:30:00Z');
  await request(http)
    .patch(`/api/incidents/${incident.id}`)
    .send({
      rootCause: 'Đứt cáp quang tuyến Đà Lạt – Bảo Lộc',
      actionsTaken: 'Chuyển lưu lượng sang kênh dự phòng Viettel',
    })
    .expect(200);
  t.clock.set('2026-03-02T09:00:00Z');
});

afterAll(async () => {
  await t?.close();
});

describe('GET /api/incidents/:id/report (JSON)', () => {
  it('initial report, Vietnamese by default: every field', async () => {
    const res = await request(http).get(`/api/incidents/${incident.id}/report`).expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const unit = { code: s.unit.code, name: UNIT_NAME };
    expect(res.body).toEqual({
      schema: 'netwatch.incident-report/1',
      type: 'initial',
      lang: 'vi',
      title: 'Báo cáo ban đầu sự cố',
      generatedAt: '2026-03-02T09:00:00.000Z',
      timeZone: 'Asia/Ho_Chi_Minh',
      legalBasis:
        'Theo Quyết định số 05/2017/QĐ-TTg và Thông tư số 20/2017/TT-BTTTT về điều phối, ứng cứu sự cố an toàn thông tin mạng',
      organisation: {
        name: 'Sở Thông tin và Truyền thông tỉnh Lâm Đồng',
        managingBody: 'Ủy ban nhân dân tỉnh Lâm Đồng',
        recipients: [
          'Ủy ban nhân dân tỉnh Lâm Đồng (cơ quan chủ quản)',
          'Trung tâm Ứng cứu khẩn cấp không gian mạng Việt Nam (VNCERT/CC)',
        ],
        focalPoint: null,
      },
      incident: {
        id: incident.id,
        number: incident.number,
        reference: `#${incident.number}`,
        title: TITLE,
        description: 'Người dân không truy cập được cổng thông tin từ 15:00.',
        origin: 'manual',
        originLabel: 'Người dùng báo',
        category: { code: 'outage', label: 'Gián đoạn dịch vụ' },
        severity: {
          level: 1,
          label: 'Rất nghiêm trọng',
          meaning:
            'Dịch vụ ngừng hoạt động với nhiều người dùng (dịch vụ trọng yếu, toàn bộ một địa bàn)',
        },
        status: { code: 'acknowledged', label: 'Đã tiếp nhận', active: true },
      },
      unit: { id: s.unit.id, ...unit },
      times: {
        detectedAt: '2026-03-02T08:00:00.000Z',
        acknowledgedAt: '2026-03-02T08:05:00.000Z',
        resolvedAt: null,
        closedAt: null,
        reportDueAt: '2026-03-07T08:00:00.000Z',
        durationSeconds: null,
      },
      // Link order: creation time, then object type, then id.
      affectedSystems: [
        {
          objectType: 'circuit',
          objectId: s.circuit.id,
          found: true,
          label: `${s.circuit.cid} (VNPT Lâm Đồng)`,
          kind: 'internet',
          unit,
        },
        {
          objectType: 'device',
          objectId: s.device.id,
          found: true,
          label: s.device.name,
          kind: 'router',
          unit,
        },
        {
          objectType: 'service',
          objectId: s.service.id,
          found: true,
          label: `Cổng thông tin điện tử tỉnh (${s.service.hostname})`,
          kind: 'website',
          unit,
        },
        {
          objectType: 'site',
          objectId: s.site.id,
          found: true,
          label: `Trung tâm dữ liệu tỉnh (${s.site.code})`,
          kind: 'data_center',
          unit,
        },
        {
          objectType: 'check',
          objectId: s.check.id,
          found: true,
          label: s.check.key,
          kind: 'http',
          unit,
        },
        {
          objectType: 'device',
          objectId: s.missing,
          found: false,
          label: null,
          kind: null,
          unit: null,
        },
      ],
      impact: {
        description:
          'Rất nghiêm trọng: Dịch vụ ngừng hoạt động với nhiều người dùng (dịch vụ trọng yếu, toàn bộ một địa bàn). ' +
          '5 đối tượng bị ảnh hưởng: 1 dịch vụ, 2 thiết bị, 1 kênh truyền, 1 địa điểm.',
        affectedCount: 5,
        byType: { service: 1, device: 2, circuit: 1, unit: 0, check: 1, site: 1 },
        alsoAffected: [],
      },
      cause: 'Đứt cáp quang tuyến Đà Lạt – Bảo Lộc',
      actionsTaken: 'Chuyển lưu lượng sang kênh dự phòng Viettel',
      reviewNotes: null,
      contact: {
        assignee: 'Nguyễn Văn An',
        unitContacts: [
          {
            name: 'Lê Văn Cường',
            title: 'Chuyên viên',
            role: 'security',
            phone: '0912 000 111',
            email: expect.stringMatching(/@lamdong\.gov\.vn$/),
          },
          {
            name: 'Phạm Thị Dung',
            title: 'Chuyên viên',
            role: 'technical',
            phone: null,
            email: expect.stringMatching(/@lamdong\.gov\.vn$/),
          },
        ],
      },
      timeline: {
        entries: [
          {
            at: '2026-03-02T08:00:00.000Z',
            actor,
            kind: 'status_change',
            from: null,
            to: 'open',
            text: null,
          },
          {
            at: '2026-03-02T08:05:00.000Z',
            actor,
            kind: 'status_change',
            from: 'open',
            to: 'acknowledged',
            text: 'Đã tiếp nhận, đang kiểm tra',
          },
        ],
        otherCounts: { note: 1, link: 5, edit: 1 },
      },
    });
    expect(actor).toMatch(/^api:/);
  });

  it('English: labels and names in English, same facts', async () => {
    const res = await request(http)
      .get(`/api/incidents/${incident.id}/report?lang=en&type=initial&format=json`)
      .expect(200);
    expect(res.body).toMatchObject({
      lang: 'en',
      title: 'Initial incident report',
      organisation: { name: 'Department of Information and Communications of Lâm Đồng Province' },
      incident: {
        severity: { level: 1, label: 'Critical' },
        status: { code: 'acknowledged', label: 'Acknowledged', active: true },
      },
      unit: { code: s.unit.code, name: 'ICT Centre' },
    });
    expect(res.body.affectedSystems[3]).toMatchObject({
      label: `Provincial data centre (${s.site.code})`,
      unit: { code: s.unit.code, name: 'ICT Centre' },
    });
  });

  it('the final report is refused while the incident is active (400 naming type)', async () => {
    const res = await request(http)
      .get(`/api/incidents/${incident.id}/report?type=final`)
      .expect(400);
    expect((res.body as ErrorBody).error).toBe('validation_failed');
    expect(fields(res.body as ErrorBody)).toEqual(['type']);
    expect((res.body as ErrorBody).details[0].message).toContain('acknowledged');
  });

  it('bad and unknown query parameters are 400s naming them', async () => {
    const bad = await request(http)
      .get(`/api/incidents/${incident.id}/report?type=weekly&lang=fr&format=docx`)
      .expect(400);
    expect(fields(bad.body as ErrorBody)).toEqual(['format', 'lang', 'type']);
    const unknown = await request(http)
      .get(`/api/incidents/${incident.id}/report?colour=red`)
      .expect(400);
    expect(fields(unknown.body as ErrorBody)).toEqual(['colour']);
    const twice = await request(http)
      .get(`/api/incidents/${incident.id}/report?type=initial&type=final`)
      .expect(400);
    expect(fields(twice.body as ErrorBody)).toEqual(['type']);
  });

  it('an unknown incident is a 404', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const res = await request(http).get(`/api/incidents/${id}/report`).expect(404);
      expect((res.body as ErrorBody).error).toBe('not_found');
    }
    await request(http)
      .get('/api/incidents/00000000-0000-4000-8000-000000000000/report?format=pdf')
      .expect(404);
  });
});

describe('GET /api/incidents/:id/report (PDF)', () => {
  it('initial, vi: an attachment named after the incident, Vietnamese intact', async () => {
    const res = await getPdf(`/api/incidents/${incident.id}/report?format=pdf`);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="incident-${incident.number}-initial-vi.pdf"`,
    );
    const pdf = res.body as Buffer;
    expect(Number(res.headers['content-length'])).toBe(pdf.length);
    const { text } = await parsePdf(pdf);
    const flat = text.replace(/\s+/g, ' ');
    // Notes are in the final report only.
    expect(flat).not.toContain('Nhà mạng VNPT');
    for (const expected of [
      'Sở Thông tin và Truyền thông tỉnh Lâm Đồng',
      'Báo cáo ban đầu sự cố',
      TITLE,
      UNIT_NAME,
      `${s.circuit.cid} (VNPT Lâm Đồng)`,
      'Đứt cáp quang tuyến Đà Lạt – Bảo Lộc',
      '02/03/2026 15:00 (UTC+07:00)',
      'Lê Văn Cường',
      'không còn trong danh mục',
      '1. Đơn vị báo cáo',
      '9. Diễn biến xử lý',
    ])
      expect(flat).toContain(expected);
  });

  it('same request, same clock: the same bytes', async () => {
    const a = await getPdf(`/api/incidents/${incident.id}/report?format=pdf`);
    const b = await getPdf(`/api/incidents/${incident.id}/report?format=pdf`);
    expect((a.body as Buffer).equals(b.body as Buffer)).toBe(true);
  });
});

describe('after resolution', () => {
  beforeAll(async () => {
    t.clock.set('2026-03-02T10:00:00Z');
    await request(http)
      .patch(`/api/incidents/${incident.id}/status`)
      .send({ status: 'resolved', note: 'Đã hàn nối xong cáp quang' })
      .expect(200);
    t.clock.set('2026-03-02T10:10:00Z');
    await request(http)
      .patch(`/api/incidents/${incident.id}`)
      .send({ reviewNotes: 'Cần tự động chuyển sang kênh dự phòng' })
      .expect(200);
    t.clock.set('2026-03-03T02:00:00Z');
  });

  it('the final report: duration, review notes, status changes and notes', async () => {
    const res = await request(http)
      .get(`/api/incidents/${incident.id}/report?type=final`)
      .expect(200);
    expect(res.body).toMatchObject({
      type: 'final',
      title: 'Báo cáo kết thúc xử lý sự cố',
      generatedAt: '2026-03-03T02:00:00.000Z',
      incident: { status: { code: 'resolved', label: 'Đã khắc phục', active: false } },
      times: { resolvedAt: '2026-03-02T10:00:00.000Z', durationSeconds: 7200 },
      cause: 'Đứt cáp quang tuyến Đà Lạt – Bảo Lộc',
      reviewNotes: 'Cần tự động chuyển sang kênh dự phòng',
    });
    expect(res.body.timeline).toEqual({
      entries: [
        {
          at: '2026-03-02T08:00:00.000Z',
          actor,
          kind: 'status_change',
          from: null,
          to: 'open',
          text: null,
        },
        {
          at: '2026-03-02T08:05:00.000Z',
          actor,
          kind: 'status_change',
          from: 'open',
          to: 'acknowledged',
          text: 'Đã tiếp nhận, đang kiểm tra',
        },
        {
          at: '2026-03-02T08:20:00.000Z',
          actor,
          kind: 'note',
          from: null,
          to: null,
          text: 'Nhà mạng VNPT xác nhận đứt cáp quang',
        },
        {
          at: '2026-03-02T10:00:00.000Z',
          actor,
          kind: 'status_change',
          from: 'acknowledged',
          to: 'resolved',
          text: 'Đã hàn nối xong cáp quang',
        },
      ],
      otherCounts: { link: 5, edit: 2 },
    });
  });

  it('the initial report still leaves out review notes', async () => {
    const res = await request(http).get(`/api/incidents/${incident.id}/report`).expect(200);
    expect(res.body.reviewNotes).toBeNull();
  });

  it('final, en, PDF: English headings, file name', async () => {
    const res = await getPdf(`/api/incidents/${incident.id}/report?type=final&lang=en&format=pdf`);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="incident-${incident.number}-final-en.pdf"`,
    );
    const { text, pages } = await parsePdf(res.body as Buffer);
    const flat = text.replace(/\s+/g, ' ');
    for (const expected of [
      'Final incident report',
      '1. Reporting organisation',
      '2. Incident',
      '3. Times',
      '4. Affected systems and services',
      '5. Impact and scope',
      '6. Root cause',
      '7. Actions taken',
      '8. Review and lessons learned',
      '9. Handling and contact',
      '10. Full timeline',
      'Cần tự động chuyển sang kênh dự phòng',
      '2 h',
      TITLE,
    ])
      expect(flat).toContain(expected);
    expect(pages[0]).toContain(`Page 1/${pages.length}`);
  });
});
