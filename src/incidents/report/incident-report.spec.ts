import { ValidationError } from '../../common/errors';
import { sampleContext, sampleDetail } from '../../../test/fixtures/incidents/report-fixture';
import { IncidentStatus } from '../incident-lifecycle';
import { buildIncidentReport } from './incident-report';

const GENERATED = new Date('2026-03-02T11:00:00Z');

describe('buildIncidentReport', () => {
  it('initial, vi: every field, exactly', () => {
    const report = buildIncidentReport(sampleDetail(), sampleContext(), {
      type: 'initial',
      lang: 'vi',
      generatedAt: GENERATED,
    });
    expect(report).toEqual({
      schema: 'netwatch.incident-report/1',
      type: 'initial',
      lang: 'vi',
      title: 'Báo cáo ban đầu sự cố',
      generatedAt: '2026-03-02T11:00:00.000Z',
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
        focalPoint: {
          name: 'Trần Thị Bình',
          phone: '0263 3822 000',
          email: 'attt@lamdong.gov.vn',
        },
      },
      incident: {
        id: '11111111-1111-4111-8111-111111111111',
        number: 42,
        reference: '#42',
        title: 'Mất kết nối cổng thông tin điện tử tỉnh Lâm Đồng',
        description: 'Cổng lamdong.gov.vn không truy cập được từ 15:00.',
        origin: 'manual',
        originLabel: 'Người dùng báo',
        category: { code: 'outage', label: 'Gián đoạn dịch vụ' },
        severity: { level: 2, label: 'Nghiêm trọng', meaning: 'Một dịch vụ ngừng hoạt động' },
        status: { code: 'resolved', label: 'Đã khắc phục', active: false },
      },
      unit: {
        id: '22222222-2222-4222-8222-222222222222',
        code: 'STTTT',
        name: 'Sở Thông tin và Truyền thông',
      },
      times: {
        detectedAt: '2026-03-02T08:00:00.000Z',
        acknowledgedAt: '2026-03-02T08:05:00.000Z',
        resolvedAt: '2026-03-02T10:30:00.000Z',
        closedAt: null,
        reportDueAt: '2026-03-07T08:00:00.000Z',
        durationSeconds: 9000,
      },
      affectedSystems: [
        {
          objectType: 'service',
          objectId: '33333333-3333-4333-8333-333333333333',
          found: true,
          label: 'Cổng thông tin điện tử (lamdong.gov.vn)',
          kind: 'website',
          unit: { code: 'STTTT', name: 'Sở Thông tin và Truyền thông' },
        },
        {
          objectType: 'device',
          objectId: '44444444-4444-4444-8444-444444444444',
          found: true,
          label: 'rtr-dalat-01',
          kind: 'router',
          unit: { code: 'STTTT', name: 'Sở Thông tin và Truyền thông' },
        },
        {
          objectType: 'circuit',
          objectId: '55555555-5555-4555-8555-555555555555',
          found: false,
          label: null,
          kind: null,
          unit: null,
        },
      ],
      impact: {
        description:
          'Nghiêm trọng: Một dịch vụ ngừng hoạt động. 3 đối tượng bị ảnh hưởng: 1 dịch vụ, 1 thiết bị, 1 kênh truyền.',
        affectedCount: 3,
        byType: { service: 1, device: 1, circuit: 1, unit: 0, check: 0, site: 0 },
        alsoAffected: [],
      },
      cause: 'Đứt cáp quang Đà Lạt – Bảo Lộc',
      actionsTaken: 'Chuyển sang kênh dự phòng',
      reviewNotes: null,
      contact: {
        assignee: 'Nguyễn Văn An',
        unitContacts: [
          {
            name: 'Lê Văn Cường',
            title: 'Chuyên viên',
            role: 'security',
            phone: '0912 000 111',
            email: 'cuong@lamdong.gov.vn',
          },
        ],
      },
      timeline: {
        entries: [
          {
            at: '2026-03-02T08:00:00.000Z',
            actor: 'api:10.0.0.5',
            kind: 'status_change',
            from: null,
            to: 'open',
            text: null,
          },
          {
            at: '2026-03-02T08:05:00.000Z',
            actor: 'api:10.0.0.5',
            kind: 'status_change',
            from: 'open',
            to: 'acknowledged',
            text: 'Đã tiếp nhận',
          },
          {
            at: '2026-03-02T10:30:00.000Z',
            actor: 'api:10.0.0.5',
            kind: 'status_change',
            from: 'acknowledged',
            to: 'resolved',
            text: null,
          },
        ],
        otherCounts: { link: 1, note: 1 },
      },
    });
  });

  it('final, en: review notes, notes in the timeline, English labels and names', () => {
    const report = buildIncidentReport(sampleDetail(), sampleContext(), {
      type: 'final',
      lang: 'en',
      generatedAt: GENERATED,
    });
    expect(report.title).toBe('Final incident report');
    expect(report.organisation.name).toBe(
      'Department of Information and Communications of Lâm Đồng Province',
    );
    expect(report.unit?.name).toBe('Department of Information and Communications');
    expect(report.affectedSystems[0].unit).toEqual({ code: 'STTTT', name: 'DIC' });
    expect(report.incident.severity).toEqual({
      level: 2,
      label: 'Major',
      meaning: 'A service is down',
    });
    expect(report.incident.status).toEqual({ code: 'resolved', label: 'Resolved', active: false });
    expect(report.reviewNotes).toBe('Cần kênh dự phòng tự động');
    expect(report.impact.description).toBe(
      'Major: A service is down. 3 objects affected: 1 service, 1 device, 1 circuit.',
    );
    expect(report.timeline.entries.map((e) => [e.kind, e.text])).toEqual([
      ['status_change', null],
      ['status_change', 'Đã tiếp nhận'],
      ['note', 'Nhà mạng xác nhận đứt cáp'],
      ['status_change', null],
    ]);
    expect(report.timeline.otherCounts).toEqual({ link: 1 });
  });

  it.each<IncidentStatus>(['open', 'acknowledged', 'investigating', 'mitigated'])(
    'refuses the final report while the incident is %s, naming type',
    (status) => {
      const build = () =>
        buildIncidentReport(sampleDetail({ status, resolvedAt: null }), sampleContext(), {
          type: 'final',
          lang: 'vi',
          generatedAt: GENERATED,
        });
      expect(build).toThrow(ValidationError);
      try {
        build();
      } catch (err) {
        expect((err as ValidationError).details.map((d) => d.field)).toEqual(['type']);
      }
    },
  );

  it.each<IncidentStatus>(['resolved', 'closed'])('accepts the final report when %s', (status) => {
    const report = buildIncidentReport(sampleDetail({ status }), sampleContext(), {
      type: 'final',
      lang: 'vi',
      generatedAt: GENERATED,
    });
    expect(report.type).toBe('final');
    expect(report.title).toBe('Báo cáo kết thúc xử lý sự cố');
  });

  it('an active incident without links, unit, cause or assignee', () => {
    const context = { ...sampleContext(), objects: [], unit: null, unitContacts: [] };
    const report = buildIncidentReport(
      sampleDetail({
        status: 'open',
        acknowledgedAt: null,
        resolvedAt: null,
        rootCause: '  ',
        actionsTaken: null,
        assignee: null,
        unitId: null,
        links: [],
      }),
      context,
      { type: 'initial', lang: 'vi', generatedAt: GENERATED },
    );
    expect(report.times).toMatchObject({ resolvedAt: null, durationSeconds: null });
    expect(report.cause).toBeNull();
    expect(report.actionsTaken).toBeNull();
    expect(report.unit).toBeNull();
    expect(report.impact).toEqual({
      description:
        'Nghiêm trọng: Một dịch vụ ngừng hoạt động. Chưa xác định đối tượng bị ảnh hưởng.',
      affectedCount: 0,
      byType: { service: 0, device: 0, circuit: 0, unit: 0, check: 0, site: 0 },
      alsoAffected: [],
    });
    expect(report.incident.status).toEqual({ code: 'open', label: 'Mới phát hiện', active: true });
  });

  it('does not count monitoring checks as affected systems', () => {
    const context = sampleContext();
    context.objects.push({
      objectType: 'check',
      objectId: '66666666-6666-4666-8666-666666666666',
      found: true,
      label: 'http:lamdong.gov.vn',
      kind: 'http',
      unit: null,
    });
    const report = buildIncidentReport(sampleDetail(), context, {
      type: 'initial',
      lang: 'en',
      generatedAt: GENERATED,
    });
    expect(report.impact.affectedCount).toBe(3);
    expect(report.impact.byType.check).toBe(1);
    expect(report.affectedSystems).toHaveLength(4);
  });

  it('lists the timeline in write order even when given in text order of ids', () => {
    const detail = sampleDetail();
    const renumbered = detail.timeline.map((e, i) => ({ ...e, id: String(8 + i) }));
    // "10", "11", "12", "8", "9": what ORDER BY on id::text returns.
    const textOrder = [...renumbered].sort((a, b) => a.id.localeCompare(b.id));
    const report = buildIncidentReport({ ...detail, timeline: textOrder }, sampleContext(), {
      type: 'final',
      lang: 'en',
      generatedAt: GENERATED,
    });
    expect(report.timeline.entries.map((e) => e.at)).toEqual([
      '2026-03-02T08:00:00.000Z',
      '2026-03-02T08:05:00.000Z',
      '2026-03-02T09:00:00.000Z',
      '2026-03-02T10:30:00.000Z',
    ]);
  });

  it('lists the checks failing because of the incident (IncidentDetail.affected)', () => {
    const detail = {
      ...sampleDetail(),
      affected: [
        {
          checkId: '77777777-7777-4777-8777-777777777777',
          key: 'http:baolam.lamdong.gov.vn',
          kind: 'http',
          objectType: 'service',
          objectId: '88888888-8888-4888-8888-888888888888',
          label: 'baolam.lamdong.gov.vn',
          since: new Date('2026-03-02T08:03:00Z'),
        },
      ],
    };
    const report = buildIncidentReport(detail, sampleContext(), {
      type: 'initial',
      lang: 'vi',
      generatedAt: GENERATED,
    });
    expect(report.impact.alsoAffected).toEqual([
      {
        checkId: '77777777-7777-4777-8777-777777777777',
        checkKey: 'http:baolam.lamdong.gov.vn',
        checkKind: 'http',
        objectType: 'service',
        objectId: '88888888-8888-4888-8888-888888888888',
        label: 'baolam.lamdong.gov.vn',
        since: '2026-03-02T08:03:00.000Z',
      },
    ]);
    expect(report.impact.description).toBe(
      'Nghiêm trọng: Một dịch vụ ngừng hoạt động. 3 đối tượng bị ảnh hưởng: 1 dịch vụ, 1 thiết bị, 1 kênh truyền. Ngoài ra 1 kiểm tra giám sát khác báo lỗi do sự cố này.',
    );
  });
});
