import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { App } from 'supertest/types';
import { DataSource } from 'typeorm';
import { ComplianceReport } from '../../src/reports/compliance/compliance-report';
import {
  formatChange,
  formatDate,
  formatNumber,
  formatPercent,
  formatPeriod,
} from '../../src/reports/compliance/format';
import { COMPLIANCE_LABELS } from '../../src/reports/compliance/labels';
import { renderComplianceReport } from '../../src/reports/compliance/render';
import { DEFAULT_COMPLIANCE_RULES } from '../../src/reports/compliance/rules';
import { parsePdf, renderPdfPage } from '../support/pdf';
import { Fixture, PERIOD, ReportsTestApp, startReportsApp } from './fixture';

let http: App;
let report: ComplianceReport;

/**
 * Rollups of older periods for the trend (none falls in the period or the previous period, so
 * every figure of compliance-report.spec.ts still holds). Trend periods of 48 h, starting
 * 2026-02-19T17:00Z: k0 [02-19 17:00, 02-21 17:00), … k3 [02-25 17:00, 02-27 17:00), k4 the
 * previous period, k5 the period.
 */
async function seedOlderRollups(ds: DataSource, fx: Fixture): Promise<void> {
  const rollup = async (
    grain: 'hourly' | 'daily',
    name: string,
    bucket: string,
    c: { up?: number; down?: number },
  ) => {
    const up = c.up ?? 0;
    const down = c.down ?? 0;
    await ds.query(
      `INSERT INTO check_rollups_${grain} (check_id, bucket, up, degraded, down, unreachable, not_tested, total)
       VALUES ($1, $2, $3, 0, $4, 0, 0, $5)`,
      [fx.checks[name], bucket, up, down, up + down],
    );
  };
  // k0: C8 (ipv6-web of S4) up all day 02-20 → operational.
  await rollup('daily', 'C8', '2026-02-20T00:00:00Z', { up: 48 });
  // k3: C3 (http/4 of S1): day 02-26 whole in k3 (daily), 02-25 20:00 an edge hour (hourly):
  // 1440 / 1500 = 96 %. The daily rows of 02-25 and 02-27 straddle a period bound: not read.
  await rollup('daily', 'C3', '2026-02-26T00:00:00Z', { up: 1440 });
  await rollup('hourly', 'C3', '2026-02-25T20:00:00Z', { down: 60 });
  await rollup('daily', 'C3', '2026-02-25T00:00:00Z', { up: 999 });
  await rollup('daily', 'C3', '2026-02-27T00:00:00Z', { down: 500 });
  // k3: C9 (http of S4) 1000 / 1440 = 69.44 %; the hourly row inside the whole day is not read.
  await rollup('daily', 'C9', '2026-02-26T00:00:00Z', { up: 1000, down: 440 });
  await rollup('hourly', 'C9', '2026-02-26T05:00:00Z', { down: 60 });
  // k3: C6 (ns-ipv6) operational; C1 (ipv6-web of S1) 1 of 2 = 50 %, not operational.
  await rollup('daily', 'C6', '2026-02-26T00:00:00Z', { up: 24 });
  await rollup('hourly', 'C1', '2026-02-27T03:00:00Z', { up: 1, down: 1 });
}

let t: ReportsTestApp;

beforeAll(async () => {
  t = await startReportsApp(DEFAULT_COMPLIANCE_RULES, seedOlderRollups);
  ({ http, report } = t);
}, 60_000);

afterAll(async () => {
  await t?.close();
});

const flat = (s: string) => s.replace(/\s+/g, ' ');
const SECTIONS = ['summary', 'ipv6', 'dnssec', 'availability', 'incidents', 'scorecard', 'trend'];
const headings = (lang: 'vi' | 'en') =>
  SECTIONS.map(
    (s, i) =>
      `${i + 1}. ${COMPLIANCE_LABELS[lang].sections[s as keyof typeof COMPLIANCE_LABELS.vi.sections]}`,
  );

describe('trend', () => {
  it('six periods of equal length ending with the report period, hand-computed', () => {
    expect(report.trend.periods).toBe(6);
    expect(
      report.trend.points.map((p) => [
        p.from,
        p.to,
        p.availabilityPercent,
        p.servicesWithData,
        p.ipv6OperationalPercent,
        p.ipv6Operational,
        p.ipv6Items,
      ]),
    ).toEqual([
      ['2026-02-19T17:00:00.000Z', '2026-02-21T17:00:00.000Z', null, 0, 25, 1, 4],
      ['2026-02-21T17:00:00.000Z', '2026-02-23T17:00:00.000Z', null, 0, 0, 0, 4],
      ['2026-02-23T17:00:00.000Z', '2026-02-25T17:00:00.000Z', null, 0, 0, 0, 4],
      // S1 96 % (C3; C4 no data), S4 69.444 % → 82.72; C6 operational, C1 50 % not.
      ['2026-02-25T17:00:00.000Z', '2026-02-27T17:00:00.000Z', 82.72, 2, 25, 1, 4],
      // The previous period: no availability data; C1 24 of 48 = 50 % not operational.
      ['2026-02-27T17:00:00.000Z', '2026-03-01T17:00:00.000Z', null, 0, 0, 0, 4],
      // The period: the report's own figures.
      ['2026-03-01T17:00:00.000Z', '2026-03-03T17:00:00.000Z', 95, 2, 50, 2, 4],
    ]);
    const last = report.trend.points[5];
    expect(last.availabilityPercent).toBe(report.availability.summary.meanUptimePercent);
    expect(last.ipv6OperationalPercent).toBe(report.ipv6.total.all.operationalPercent);
  });

  it('the older rollups leave the period and previous period figures alone', () => {
    expect(report.availability.summary.meanUptimePercent).toBe(95);
    expect(report.ipv6.total.previousOperationalPercent).toBe(0);
    expect(report.scorecard.units.map((u) => u.subtreeScore)).toEqual([47.76, 38.7, 60.71]);
  });
});

describe('formatting per language', () => {
  it('numbers, percentages, changes, dates and periods', () => {
    expect(formatNumber(1440.5, 'vi')).toBe('1.440,5');
    expect(formatNumber(1440.5, 'en')).toBe('1,440.5');
    expect(formatNumber(1234567.891, 'vi')).toBe('1.234.567,89');
    expect(formatPercent(99.95, 'vi')).toBe('99,95\u00a0%');
    expect(formatPercent(99.95, 'en')).toBe('99.95%');
    expect(formatPercent(null, 'en')).toBe('—');
    expect(formatChange(28.28, 'vi')).toBe('+28,28');
    expect(formatChange(-3.2, 'en')).toBe('-3.2');
    expect(formatChange(-0.001, 'en')).toBe('0');
    // 2026-10-31T17:00Z is 1 November in Vietnam.
    expect(formatDate('2026-10-31T17:00:00Z', 'vi')).toBe('01/11/2026');
    expect(formatDate('2026-10-31T17:00:00Z', 'en')).toBe('1 Nov 2026');
    expect(formatPeriod(PERIOD.from, PERIOD.to, 'vi')).toBe('02/03/2026 – 03/03/2026');
    expect(formatPeriod(PERIOD.from, PERIOD.to, 'en')).toBe('2 Mar 2026 – 3 Mar 2026');
    expect(formatPeriod('2026-03-01T18:00:00Z', '2026-03-01T20:00:00Z', 'en')).toBe(
      '2 Mar 2026 01:00 – 2 Mar 2026 03:00',
    );
  });
});

describe('HTML', () => {
  it.each(['vi', 'en'] as const)('%s: self-contained, every section and chart', async (lang) => {
    const html = (await renderComplianceReport(report, { format: 'html', lang })).toString('utf8');
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="' + lang + '">')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    for (const h of headings(lang)) expect(html).toContain(`<h2>${h}</h2>`);
    const t = COMPLIANCE_LABELS[lang];
    expect(html).toContain(`<h1>${t.title}</h1>`);
    for (const title of [t.charts.ipv6ByUnit, t.charts.scoreByUnit, t.charts.trend])
      expect(html).toContain(`<title>${title}</title>`);
    expect(html.match(/<svg /g)).toHaveLength(3);
    expect(html).toContain('<polyline');
    // Self-contained: no script, no external asset (the only URL is the SVG namespace).
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\bsrc=|\bhref=|url\(/i);
    expect(html.match(/https?:\/\/[^"\s]+/g)).toEqual(Array(3).fill('http://www.w3.org/2000/svg'));
    const org =
      lang === 'vi'
        ? ['Sở Thông tin và Truyền thông tỉnh Lâm Đồng', 'Ủy ban nhân dân tỉnh Lâm Đồng']
        : ['Department of Information and Communications of Lâm Đồng Province'];
    for (const o of org) expect(html).toContain(o);
    if (lang === 'vi') {
      expect(html).toContain('Sẵn sàng IPv6');
      expect(html).toContain('99,13\u00a0%'); // VNPT mean uptime
      expect(html).toContain('02/03/2026 – 03/03/2026');
      expect(html).toContain('Đơn vị LD-A (LD-A)');
    } else {
      expect(html).toContain('99.13%');
      expect(html).toContain('2 Mar 2026 – 3 Mar 2026');
      expect(html).toContain('Unit LD-A (LD-A)');
    }
  });

  it('escapes every value: a unit named with <script>', async () => {
    const evil: ComplianceReport = JSON.parse(JSON.stringify(report));
    const name = '<script>alert("x")</script> & Đà Lạt';
    evil.scorecard.units[1].unitName = name;
    evil.ipv6.grid[1].unitName = name;
    evil.incidents.longest[0].title = '<img src=x onerror=alert(1)>';
    const html = (await renderComplianceReport(evil, { format: 'html', lang: 'vi' })).toString();
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Đà Lạt (LD-A)');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('same report, same bytes', async () => {
    const a = await renderComplianceReport(report, { format: 'html', lang: 'vi' });
    const b = await renderComplianceReport(report, { format: 'html', lang: 'vi' });
    expect(a.equals(b)).toBe(true);
  });
});

describe('PDF', () => {
  let vi: Buffer;
  let en: Buffer;
  beforeAll(async () => {
    vi = await renderComplianceReport(report, { format: 'pdf', lang: 'vi' });
    en = await renderComplianceReport(report, { format: 'pdf', lang: 'en' });
    // Set COMPLIANCE_PDF_DIR to keep the files and a PNG of each page (to look at by hand).
    const dir = process.env.COMPLIANCE_PDF_DIR;
    if (dir) {
      mkdirSync(dir, { recursive: true });
      for (const [lang, pdf] of [
        ['vi', vi],
        ['en', en],
      ] as const) {
        writeFileSync(join(dir, `compliance-${lang}.pdf`), pdf);
        const pages = (await parsePdf(pdf)).pages.length;
        for (let page = 1; page <= pages; page++)
          writeFileSync(
            join(dir, `compliance-${lang}-${page}.png`),
            await renderPdfPage(pdf, page),
          );
      }
    }
  }, 60_000);

  it('vi: letterhead, Vietnamese intact, every section, numbers and dates in Vietnamese', async () => {
    const parsed = await parsePdf(vi);
    const text = flat(parsed.text);
    for (const s of [
      'Ủy ban nhân dân tỉnh Lâm Đồng',
      'Sở Thông tin và Truyền thông tỉnh Lâm Đồng',
      'Báo cáo tuân thủ',
      'Kỳ báo cáo: 02/03/2026 – 03/03/2026 · Phạm vi: Toàn tỉnh',
      'Tỷ lệ dịch vụ hoạt động IPv6 theo đơn vị',
      'Điểm tuân thủ theo đơn vị (cả khối)',
      'Xu hướng tính sẵn sàng và IPv6',
      'Đơn vị LD-A (LD-A)',
      '99,13 %', // VNPT mean uptime
      '98,61 %', // VNPT-002
      '95,83 %', // DNSSEC valid, web1.a.gov.vn
      '82,72 %', // trend, k3
      '+28,28', // LD subtree score change
      '10/03/2026 07:00', // generatedAt in Vietnam time
      'Trang 1/',
    ])
      expect(text).toContain(s);
    for (const h of headings('vi')) expect(text).toContain(h);
    expect(text).not.toMatch(/\d\.\d\d ?%/); // no English decimals
    expect(parsed.info).toMatchObject({
      Title: 'Báo cáo tuân thủ: Toàn tỉnh, 02/03/2026 – 03/03/2026',
      Language: 'vi-VN',
      CreationDate: 'D:20260310000000Z',
    });
  });

  it('en: English headings, numbers and dates', async () => {
    const parsed = await parsePdf(en);
    const text = flat(parsed.text);
    for (const s of [
      'Department of Information and Communications of Lâm Đồng Province',
      "Lâm Đồng Provincial People's Committee",
      'Compliance report',
      'Period: 2 Mar 2026 – 3 Mar 2026 · Scope: Whole province',
      'Unit LD-A (LD-A)',
      '99.13%',
      '98.61%',
      '82.72%',
      '+28.28',
      '10 Mar 2026 07:00',
      'Page 1/',
    ])
      expect(text).toContain(s);
    for (const h of headings('en')) expect(text).toContain(h);
    expect(text).not.toContain('Sẵn sàng IPv6');
    expect(parsed.info).toMatchObject({ Language: 'en' });
  });

  it('the letterhead takes organisation names', async () => {
    const pdf = await renderComplianceReport(report, {
      format: 'pdf',
      lang: 'vi',
      organisation: { vi: { name: 'Sở Khoa học và Công nghệ tỉnh Lâm Đồng' } },
    });
    const text = flat((await parsePdf(pdf)).text);
    expect(text).toContain('Sở Khoa học và Công nghệ tỉnh Lâm Đồng');
    expect(text).toContain('Ủy ban nhân dân tỉnh Lâm Đồng');
  });

  it('same report, same bytes', async () => {
    const again = await renderComplianceReport(report, { format: 'pdf', lang: 'vi' });
    expect(again.equals(vi)).toBe(true);
    expect(vi.subarray(0, 8).toString('latin1')).toBe('%PDF-1.7');
  });
});

describe('GET /api/reports/compliance?format=html|pdf', () => {
  const q = `from=${PERIOD.from.toISOString()}&to=${PERIOD.to.toISOString()}`;
  const get = (query: string) =>
    request(http)
      .get(`/api/reports/compliance?${q}&${query}`)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });

  it('html: text/html, the rendered report', async () => {
    const res = await get('format=html').expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      'inline; filename="compliance-2026-03-01-2026-03-03-vi.html"',
    );
    expect(
      (res.body as Buffer).equals(
        await renderComplianceReport(report, { format: 'html', lang: 'vi' }),
      ),
    ).toBe(true);
  });

  it('pdf: application/pdf attachment, the same bytes as the renderer', async () => {
    const res = await get('format=pdf&lang=en').expect(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="compliance-2026-03-01-2026-03-03-en.pdf"',
    );
    expect(
      (res.body as Buffer).equals(
        await renderComplianceReport(report, { format: 'pdf', lang: 'en' }),
      ),
    ).toBe(true);
  });

  it.each([
    ['format=pdf&section=scorecard', ['section']],
    ['format=html&section=ipv6-grid', ['section']],
    ['format=docx', ['format']],
    ['format=pdf&lang=fr', ['lang']],
  ])('?%s is a 400 naming %j', async (query, expected) => {
    const res = await request(http).get(`/api/reports/compliance?${query}`).expect(400);
    const body = res.body as { error: string; details: { field: string }[] };
    expect(body.error).toBe('validation_failed');
    expect([...new Set(body.details.map((d) => d.field))].sort()).toEqual(expected);
  });
});
