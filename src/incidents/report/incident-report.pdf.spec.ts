import { parsePdf } from '../../../test/support/pdf';
import { sampleContext, sampleDetail } from '../../../test/fixtures/incidents/report-fixture';
import { buildIncidentReport, IncidentReport } from './incident-report';
import { REPORT_LABELS, ReportLang, ReportType } from './incident-report.labels';
import { incidentReportFilename, renderIncidentReportPdf } from './incident-report.pdf';

const GENERATED = new Date('2026-03-02T11:00:00Z');

/** Text with every run of white space as one space (table cells wrap). */
const flat = async (pdf: Buffer) => {
  const parsed = await parsePdf(pdf);
  return { ...parsed, text: parsed.text.replace(/\s+/g, ' ') };
};

const report = (type: ReportType, lang: ReportLang): IncidentReport =>
  buildIncidentReport(sampleDetail(), sampleContext(), { type, lang, generatedAt: GENERATED });

/** The section headings a report of this type and language must carry. */
function headings(type: ReportType, lang: ReportLang): string[] {
  const s = REPORT_LABELS[lang].sections;
  return [
    s.organisation,
    s.incident,
    s.times,
    s.affected,
    s.impact,
    s.cause[type],
    s.actions,
    ...(type === 'final' ? [s.review] : []),
    s.contact,
    s.timeline[type],
  ].map((h, i) => `${i + 1}. ${h}`);
}

describe('renderIncidentReportPdf', () => {
  it('initial, vi: Vietnamese intact, every section, times in UTC+07:00', async () => {
    const { text, info } = await flat(await renderIncidentReportPdf(report('initial', 'vi')));
    for (const s of [
      'Sở Thông tin và Truyền thông tỉnh Lâm Đồng',
      'Ủy ban nhân dân tỉnh Lâm Đồng',
      'Báo cáo ban đầu sự cố',
      '#42: Mất kết nối cổng thông tin điện tử tỉnh Lâm Đồng',
      'Trung tâm Ứng cứu khẩn cấp không gian mạng Việt Nam (VNCERT/CC)',
      'Nghiêm trọng: Một dịch vụ ngừng hoạt động',
      'Cổng thông tin điện tử (lamdong.gov.vn)',
      'rtr-dalat-01',
      'không còn trong danh mục',
      'Đứt cáp quang Đà Lạt – Bảo Lộc',
      'Chuyển sang kênh dự phòng',
      'Lê Văn Cường',
      '02/03/2026 15:00 (UTC+07:00)',
      '2 giờ 30 phút',
      'Mới phát hiện → Đã tiếp nhận',
      'Trang 1/',
    ])
      expect(text).toContain(s);
    for (const h of headings('initial', 'vi')) expect(text).toContain(h);
    expect(text).not.toContain(REPORT_LABELS.vi.sections.review);
    // Notes are only in the final report's timeline.
    expect(text).not.toContain('Nhà mạng xác nhận đứt cáp');
    expect(info).toMatchObject({
      Title: 'Báo cáo ban đầu sự cố #42: Mất kết nối cổng thông tin điện tử tỉnh Lâm Đồng',
      Author: 'NetWatch',
      Language: 'vi-VN',
      CreationDate: 'D:20260302110000Z',
    });
  });

  it('final, vi: the review section and the notes', async () => {
    const { text } = await flat(await renderIncidentReportPdf(report('final', 'vi')));
    expect(text).toContain('Báo cáo kết thúc xử lý sự cố');
    for (const h of headings('final', 'vi')) expect(text).toContain(h);
    expect(text).toContain('Cần kênh dự phòng tự động');
    expect(text).toContain('Nhà mạng xác nhận đứt cáp');
  });

  it('en: English headings and labels', async () => {
    const { text, pages } = await flat(await renderIncidentReportPdf(report('final', 'en')));
    for (const h of headings('final', 'en')) expect(text).toContain(h);
    for (const s of [
      'Final incident report',
      'Department of Information and Communications of Lâm Đồng Province',
      'Major: A service is down',
      '2026-03-02 15:00 (UTC+07:00)',
      '2 h 30 min',
      'Open → Acknowledged',
    ])
      expect(text).toContain(s);
    expect(pages[0]).toContain(`Page 1/${pages.length}`);
    expect(text).not.toContain('Báo cáo');
  });

  it('is reproducible: the same report gives the same bytes', async () => {
    const a = await renderIncidentReportPdf(report('initial', 'vi'));
    const b = await renderIncidentReportPdf(report('initial', 'vi'));
    expect(a.equals(b)).toBe(true);
  });

  it('names the file after the incident, type and language', () => {
    expect(incidentReportFilename(report('initial', 'vi'), 'vi')).toBe(
      'incident-42-initial-vi.pdf',
    );
  });

  it('lists the checks failing because of the incident', async () => {
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
    const r = buildIncidentReport(detail, sampleContext(), {
      type: 'initial',
      lang: 'vi',
      generatedAt: GENERATED,
    });
    const { text } = await flat(await renderIncidentReportPdf(r));
    expect(text).toContain('Kiểm tra giám sát báo lỗi theo sự cố này');
    expect(text).toContain('baolam.lamdong.gov.vn');
    expect(text).toContain('02/03/2026 15:03');
  });
});
