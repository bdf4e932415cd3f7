import { formatDateTime, formatDuration, utcOffset } from './report-format';

const ZONE = 'Asia/Ho_Chi_Minh';

describe('report formatting', () => {
  it('shows times in Vietnam time with the offset', () => {
    expect(formatDateTime('2026-03-02T08:00:00Z', 'vi', ZONE)).toBe('02/03/2026 15:00 (UTC+07:00)');
    expect(formatDateTime('2026-03-02T20:30:00Z', 'en', ZONE)).toBe('2026-03-03 03:30 (UTC+07:00)');
    expect(formatDateTime(new Date('2026-12-31T17:00:00Z'), 'vi', ZONE, false)).toBe(
      '01/01/2027 00:00',
    );
    expect(utcOffset(new Date('2026-07-01T00:00:00Z'), ZONE)).toBe('UTC+07:00');
    expect(utcOffset(new Date('2026-07-01T00:00:00Z'), 'UTC')).toBe('UTC+00:00');
  });

  it('writes durations in days, hours and minutes', () => {
    expect(formatDuration(9000, 'vi')).toBe('2 giờ 30 phút');
    expect(formatDuration(9000, 'en')).toBe('2 h 30 min');
    expect(formatDuration(86_400 + 3600 + 300, 'vi')).toBe('1 ngày 1 giờ 5 phút');
    expect(formatDuration(2 * 86_400, 'en')).toBe('2 d');
    expect(formatDuration(3600, 'en')).toBe('1 h');
    expect(formatDuration(45, 'vi')).toBe('45 giây');
    expect(formatDuration(60, 'en')).toBe('1 min');
  });
});
