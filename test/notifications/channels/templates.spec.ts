import {
  NOTIFICATION_EVENTS,
  type NotificationEvent,
} from '../../../src/notifications/notification.types';
import {
  LABELS,
  formatTime,
  renderHtml,
  renderText,
  truncate,
} from '../../../src/notifications/templates';
import { digest, item, message } from './fixtures';

/** What each event is called, per language: the wording the department reviewed. */
const EVENT_NAMES: Record<NotificationEvent, { vi: string; en: string }> = {
  opened: { vi: 'Mở sự cố', en: 'Opened' },
  reopened: { vi: 'Mở lại sự cố', en: 'Reopened' },
  acknowledged: { vi: 'Đã tiếp nhận', en: 'Acknowledged' },
  resolved: { vi: 'Đã khắc phục', en: 'Resolved' },
  closed: { vi: 'Đã đóng', en: 'Closed' },
  unacknowledged: { vi: 'Chưa được tiếp nhận', en: 'Still not acknowledged' },
  report_due: { vi: 'Sắp đến hạn báo cáo', en: 'Report due' },
  report_overdue: { vi: 'Quá hạn báo cáo', en: 'Report overdue' },
};

const AT = new Date('2026-03-02T03:30:00Z'); // 10:30 in Hanoi

describe('message templates: one incident', () => {
  describe.each(NOTIFICATION_EVENTS.map((e) => [e]))('%s', (event) => {
    it('Vietnamese: subject, lead and every field with diacritics', () => {
      const { subject, text } = renderText(message([item(event, {}, AT)]), 'vi');
      expect(subject).toBe(
        `[NetWatch] #42 Mức 1 – ${EVENT_NAMES[event].vi}: Mất kết nối cổng dịch vụ công`,
      );
      const lines = text.split('\n');
      expect(lines[0]).toBe(subject);
      expect(text).toContain(LABELS.vi.leads[event]);
      expect(lines).toContain(`Sự kiện: ${EVENT_NAMES[event].vi}`);
      expect(lines).toContain('Mức độ: 1 – Nghiêm trọng');
      expect(lines).toContain('Phân loại: Mất dịch vụ');
      expect(lines).toContain('Trạng thái: Mới mở');
      expect(lines).toContain('Đơn vị: Sở Thông tin và Truyền thông (STTTT)');
      expect(lines).toContain('Thời điểm mở: 08:05 ngày 02/03/2026 (GMT+7)');
      expect(lines).toContain('Người xử lý: Nguyễn Văn An');
      expect(lines).toContain('Xem chi tiết: https://netwatch.stttt.gov.vn/incidents/42');
      expect(text).toContain(
        'Cổng dịch vụ công không phản hồi từ 08:00.\nĐã kiểm tra đường truyền.',
      );
      // Precomposed (NFC) Vietnamese, as typed: nothing decomposed or lost on the way.
      expect(text.normalize('NFC')).toBe(text);
    });

    it('English: subject, lead and every field', () => {
      const { subject, text } = renderText(message([item(event, {}, AT)]), 'en');
      expect(subject).toBe(
        `[NetWatch] #42 Severity 1 – ${EVENT_NAMES[event].en}: Mất kết nối cổng dịch vụ công`,
      );
      const lines = text.split('\n');
      expect(text).toContain(LABELS.en.leads[event]);
      expect(lines).toContain(`Event: ${EVENT_NAMES[event].en}`);
      expect(lines).toContain('Severity: 1 – Critical');
      expect(lines).toContain('Category: Outage');
      expect(lines).toContain('Status: Open');
      expect(lines).toContain('Unit: Sở Thông tin và Truyền thông (STTTT)');
      expect(lines).toContain('Opened: 02/03/2026 08:05 (GMT+7)');
      expect(lines).toContain('Assignee: Nguyễn Văn An');
      expect(lines).toContain('Details: https://netwatch.stttt.gov.vn/incidents/42');
    });

    it('report deadline only for the report reminders; event time except for opened', () => {
      for (const language of ['vi', 'en'] as const) {
        const { text } = renderText(message([item(event, {}, AT)]), language);
        const f = LABELS[language].fields;
        const due = formatTime(new Date('2026-03-07T01:05:00Z'), language);
        const reminder = event === 'report_due' || event === 'report_overdue';
        expect(text.includes(`${f.reportDueAt}: ${due}`)).toBe(reminder);
        expect(text.includes(`${f.eventAt}: ${formatTime(AT, language)}`)).toBe(event !== 'opened');
      }
    });
  });

  it('the leads say what each reminder means', () => {
    expect(LABELS.vi.leads.unacknowledged).toContain('chưa có người tiếp nhận');
    expect(LABELS.vi.leads.report_due).toContain('sắp đến hạn gửi báo cáo');
    expect(LABELS.en.leads.unacknowledged).toContain('nobody has acknowledged');
    expect(LABELS.en.leads.report_overdue).toContain('overdue');
  });

  it('marks an overdue report deadline', () => {
    expect(renderText(message([item('report_overdue')]), 'vi').text).toContain(
      'Hạn báo cáo: 08:05 ngày 07/03/2026 (GMT+7) – đã quá hạn',
    );
    expect(renderText(message([item('report_overdue')]), 'en').text).toContain(
      'Report deadline: 07/03/2026 08:05 (GMT+7) – overdue',
    );
  });

  it.each([
    [1, 'Nghiêm trọng', 'Critical'],
    [2, 'Cao', 'Major'],
    [3, 'Trung bình', 'Minor'],
    [4, 'Thông tin', 'Informational'],
  ] as const)('severity %i means %s / %s', (severity, vi, en) => {
    const m = message([item('opened', { severity })]);
    expect(renderText(m, 'vi').text).toContain(`Mức độ: ${severity} – ${vi}`);
    expect(renderText(m, 'vi').subject).toContain(`Mức ${severity} –`);
    expect(renderText(m, 'en').text).toContain(`Severity: ${severity} – ${en}`);
  });

  it.each([
    ['outage', 'Mất dịch vụ', 'Outage'],
    ['degraded_service', 'Suy giảm dịch vụ', 'Degraded service'],
    ['dnssec_failure', 'Lỗi DNSSEC', 'DNSSEC failure'],
    ['ipv6_regression', 'Suy giảm IPv6', 'IPv6 regression'],
    ['security_event', 'Sự kiện an toàn thông tin', 'Security event'],
    ['other', 'Khác', 'Other'],
    ['brand_new_category', 'brand_new_category', 'brand_new_category'],
  ])('category %s reads %s / %s', (category, vi, en) => {
    const m = message([item('opened', { category })]);
    expect(renderText(m, 'vi').text).toContain(`Phân loại: ${vi}\n`);
    expect(renderText(m, 'en').text).toContain(`Category: ${en}\n`);
  });

  it.each([
    ['acknowledged', 'Đã tiếp nhận', 'Acknowledged'],
    ['investigating', 'Đang xử lý', 'Investigating'],
    ['mitigated', 'Đã giảm thiểu', 'Mitigated'],
    ['resolved', 'Đã khắc phục', 'Resolved'],
    ['closed', 'Đã đóng', 'Closed'],
  ])('status %s reads %s / %s', (status, vi, en) => {
    const m = message([item('acknowledged', { status })]);
    expect(renderText(m, 'vi').text).toContain(`Trạng thái: ${vi}\n`);
    expect(renderText(m, 'en').text).toContain(`Status: ${en}\n`);
  });

  it('says who is unassigned and leaves out a missing unit, description and url', () => {
    const m = message([
      item('opened', {
        assignee: null,
        unitCode: null,
        unitName: null,
        description: '',
        url: null,
      }),
    ]);
    const vi = renderText(m, 'vi').text;
    expect(vi).toContain('Người xử lý: Chưa phân công');
    expect(vi).not.toContain('Đơn vị:');
    expect(vi).not.toContain('Mô tả');
    expect(vi).not.toContain('Xem chi tiết');
    expect(renderText(m, 'en').text).toContain('Assignee: Unassigned');
  });

  it('keeps the subject on one line and bounded, whatever the title holds', () => {
    const title = `Lỗi "DNSSEC"\r\nBcc: attacker@example.com\t${'x'.repeat(300)}`;
    const { subject } = renderText(message([item('opened', { title })]), 'vi');
    expect(subject).not.toMatch(/[\r\n\t]/);
    expect(subject).toContain('Lỗi "DNSSEC" Bcc: attacker@example.com x');
    expect(subject.length).toBeLessThan(200);
    expect(subject.endsWith('…')).toBe(true);
  });
});

describe('message templates: times', () => {
  it('shows Hanoi time with its zone, in each language’s order', () => {
    const at = new Date('2026-12-31T17:30:00Z'); // already 1 January in Hanoi
    expect(formatTime(at, 'vi')).toBe('00:30 ngày 01/01/2027 (GMT+7)');
    expect(formatTime(at, 'en')).toBe('01/01/2027 00:30 (GMT+7)');
  });

  it('does not depend on the process time zone', () => {
    const saved = process.env.TZ;
    try {
      process.env.TZ = 'America/New_York';
      expect(formatTime(new Date('2026-03-02T01:05:00Z'), 'vi')).toBe(
        '08:05 ngày 02/03/2026 (GMT+7)',
      );
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('shows a dash for an invalid date instead of throwing', () => {
    expect(formatTime(new Date('nope'), 'en')).toBe('—');
  });
});

describe('message templates: digest', () => {
  it('Vietnamese: count, highest severity, one line per item', () => {
    const { subject, text } = renderText(digest(12), 'vi');
    expect(subject).toBe('[NetWatch] 12 sự cố mới, cao nhất Mức 2');
    const lines = text.split('\n');
    expect(lines[0]).toBe(subject);
    expect(text).toContain('12 sự kiện sự cố được gộp trong một thông báo:');
    const itemLines = lines.filter((l) => l.startsWith('• '));
    expect(itemLines).toHaveLength(12);
    expect(itemLines[0]).toBe(
      '• #100 Mức 4 – Mở sự cố: Sự cố thử nghiệm số 1 · Sở Thông tin và Truyền thông (STTTT) · ' +
        '08:05 ngày 02/03/2026 (GMT+7) · https://netwatch.stttt.gov.vn/incidents/42',
    );
    itemLines.forEach((l, i) => expect(l).toContain(`#${100 + i} `));
  });

  it('English: count, highest severity, one line per item', () => {
    const { subject, text } = renderText(digest(12), 'en');
    expect(subject).toBe('[NetWatch] 12 new incidents, highest Severity 2');
    expect(text).toContain('12 incident events, grouped into one message:');
    expect(text.split('\n').filter((l) => l.startsWith('• '))).toHaveLength(12);
    expect(text).toContain('• #101 Severity 3 – Opened: Sự cố thử nghiệm số 2 · ');
  });

  it('calls a mixed digest events, not new incidents', () => {
    const m = message([
      item('opened', { number: 1, severity: 3 }),
      item('resolved', { number: 2, severity: 1, title: 'Dòng 1\nDòng 2' }),
    ]);
    const vi = renderText(m, 'vi');
    expect(vi.subject).toBe('[NetWatch] 2 sự kiện sự cố, cao nhất Mức 1');
    expect(vi.text).toContain('• #2 Mức 1 – Đã khắc phục: Dòng 1 Dòng 2 · ');
    expect(renderText(m, 'en').subject).toBe('[NetWatch] 2 incident events, highest Severity 1');
  });
});

describe('message templates: HTML', () => {
  const hostile = message([
    item('opened', {
      title: '<script>alert("x")</script> & \'quoted\'',
      description: '<img src=x onerror=alert(1)>\nline 2',
      unitName: 'Sở <b>TT&TT</b>',
      assignee: '"Mallory" <m@example.com>',
      url: 'https://netwatch.example/incidents/42?a=1&b="2"',
    }),
  ]);

  it('escapes every value from the message', () => {
    const html = renderHtml(hostile, 'vi');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    expect(html).toContain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;',
    );
    expect(html).toContain('Sở &lt;b&gt;TT&amp;TT&lt;/b&gt;');
    expect(html).toContain('&quot;Mallory&quot; &lt;m@example.com&gt;');
    expect(html).toContain(
      '<a href="https://netwatch.example/incidents/42?a=1&amp;b=&quot;2&quot;">Xem chi tiết</a>',
    );
  });

  it('is a Vietnamese UTF-8 document with the fields and the description', () => {
    const html = renderHtml(message([item('report_due')]), 'vi');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<html lang="vi">');
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain(
      '[NetWatch] #42 Mức 1 – Sắp đến hạn báo cáo: Mất kết nối cổng dịch vụ công',
    );
    expect(html).toMatch(
      /<th[^>]*>Hạn báo cáo<\/th><td[^>]*>08:05 ngày 07\/03\/2026 \(GMT\+7\)<\/td>/,
    );
    expect(html).toMatch(
      /<th[^>]*>Đơn vị<\/th><td[^>]*>Sở Thông tin và Truyền thông \(STTTT\)<\/td>/,
    );
    expect(html).toContain('Cổng dịch vụ công không phản hồi từ 08:00.\nĐã kiểm tra đường truyền.');
    expect(renderHtml(message([item('report_due')]), 'en')).toContain('<html lang="en">');
  });

  it('links only http(s) URLs', () => {
    const html = renderHtml(message([item('opened', { url: 'javascript:alert(1)' })]), 'en');
    expect(html).not.toContain('<a ');
    expect(html).toContain('javascript:alert(1)');
  });

  it('renders a digest as a table with one row per item', () => {
    const html = renderHtml(digest(12), 'vi');
    expect(html).toContain('[NetWatch] 12 sự cố mới, cao nhất Mức 2');
    expect(html.match(/<tr>/g)).toHaveLength(13); // header + 12
    expect(html).toContain('<a href="https://netwatch.stttt.gov.vn/incidents/42">#111</a>');
  });
});

describe('truncate', () => {
  it('keeps short text and cuts long text to the limit with an ellipsis', () => {
    expect(truncate('Xin chào', 8)).toBe('Xin chào');
    const cut = truncate('Thông báo sự cố', 10);
    expect(cut).toBe('Thông báo…');
    expect(cut.length).toBeLessThanOrEqual(10);
  });

  it('never splits a surrogate pair', () => {
    const cut = truncate('ab😀cd', 4);
    expect(cut).toBe('ab…');
    expect(cut.length).toBeLessThanOrEqual(4);
  });
});
