import { parsePdf } from '../../../test/support/pdf';
import { PdfDocumentBuilder, PdfDocumentOptions } from './pdf-document';

const OPTIONS: PdfDocumentOptions = {
  title: 'Báo cáo thử nghiệm',
  creationDate: new Date('2026-03-02T08:00:00Z'),
  lang: 'vi',
  footerText: 'NetWatch · thử nghiệm',
};

/** A document long enough to need three pages, with every kind of block. */
function sample(options: PdfDocumentOptions = OPTIONS): Promise<Buffer> {
  const rows = Array.from({ length: 70 }, (_, i) => [
    `Hàng ${i + 1}`,
    `Đà Lạt – Bảo Lộc ${i + 1}`,
    i % 7 === 0 ? 'Một ô dài hơn: '.repeat(8) : 'ổn định',
  ]);
  return new PdfDocumentBuilder(options)
    .letterhead(['Ủy ban nhân dân tỉnh Lâm Đồng', 'Sở Thông tin và Truyền thông tỉnh Lâm Đồng'])
    .title('Báo cáo ban đầu sự cố', 'Phụ đề')
    .heading('1. Thông tin chung')
    .keyValues([
      { label: 'Đơn vị', value: 'Sở Thông tin và Truyền thông' },
      { label: 'Địa chỉ', value: '36 Trần Phú, Phường Xuân Hương – Đà Lạt' },
    ])
    .labelledText('Mô tả', 'Mất kết nối tới cổng thông tin điện tử của tỉnh.')
    .heading('2. Bảng')
    .table(
      [
        { header: 'Số thứ tự', width: 1 },
        { header: 'Kênh truyền', width: 2 },
        { header: 'Trạng thái', width: 2 },
      ],
      rows,
    )
    .paragraph('Kết thúc.', { muted: true, small: true })
    .end();
}

describe('PdfDocumentBuilder', () => {
  let pdf: Buffer;
  beforeAll(async () => {
    pdf = await sample();
  });

  it('writes a PDF with Vietnamese text intact (DejaVu Sans embedded)', async () => {
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.toString('latin1')).toContain('DejaVuSans');
    const { text } = await parsePdf(pdf);
    for (const s of [
      'Ủy ban nhân dân tỉnh Lâm Đồng',
      'Sở Thông tin và Truyền thông tỉnh Lâm Đồng',
      'Báo cáo ban đầu sự cố',
      '36 Trần Phú, Phường Xuân Hương – Đà Lạt',
      'Đà Lạt – Bảo Lộc 70',
    ])
      expect(text).toContain(s);
  });

  it('breaks the table over pages, repeating its header, and numbers the pages', async () => {
    const { pages } = await parsePdf(pdf);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    pages.forEach((page, i) => {
      expect(page).toContain(`Trang ${i + 1}/${pages.length}`);
      expect(page).toContain('NetWatch · thử nghiệm');
      expect(page).toContain('Kênh truyền');
    });
    expect(pages[pages.length - 1]).toContain('Kết thúc.');
  });

  it('sets the metadata, with the creation date given', async () => {
    const { info } = await parsePdf(pdf);
    expect(info).toMatchObject({
      Title: 'Báo cáo thử nghiệm',
      Author: 'NetWatch',
      Creator: 'NetWatch',
      CreationDate: 'D:20260302080000Z',
      Language: 'vi-VN',
    });
  });

  it('is reproducible: the same input gives the same bytes', async () => {
    expect((await sample()).equals(pdf)).toBe(true);
    const other = await sample({ ...OPTIONS, creationDate: new Date('2026-03-03T08:00:00Z') });
    expect(other.equals(pdf)).toBe(false);
  });

  it('writes English page labels and draws decomposed (NFD) text as composed', async () => {
    const buf = await new PdfDocumentBuilder({ ...OPTIONS, lang: 'en' })
      .paragraph('Lâm Đồng'.normalize('NFD'))
      .end();
    const { text, pages } = await parsePdf(buf);
    expect(pages[0]).toContain('Page 1/1');
    expect(text).toContain('Lâm Đồng');
    // Same bytes as the composed input: the builder normalises to NFC before drawing.
    const composed = await new PdfDocumentBuilder({ ...OPTIONS, lang: 'en' })
      .paragraph('Lâm Đồng')
      .end();
    expect(composed.equals(buf)).toBe(true);
  });

  it('cuts a table cell taller than a page instead of overflowing', async () => {
    const long = Array.from({ length: 400 }, (_, i) => `dòng ${i}`).join('\n');
    const buf = await new PdfDocumentBuilder(OPTIONS)
      .table([{ header: 'Nội dung', width: 1 }], [[long], ['sau']])
      .end();
    const { pages, text } = await parsePdf(buf);
    expect(text).toContain('dòng 0');
    expect(text).not.toContain('dòng 399');
    expect(pages.length).toBe(2);
    expect(pages[1]).toContain('sau');
  });

  it('draws bar charts over pages (axis repeated) and line charts, reproducibly', async () => {
    const categories = Array.from({ length: 60 }, (_, i) => `Huyện Đức Trọng ${i + 1}`);
    const chart = () =>
      new PdfDocumentBuilder(OPTIONS)
        .barChart({
          title: 'Điểm theo đơn vị',
          categories,
          series: [
            { name: 'Kỳ này', colour: '#1f5fa8', values: categories.map((_, i) => i * 1.5) },
            {
              name: 'Kỳ trước',
              colour: '#9fb3cc',
              values: categories.map((_, i) => (i % 5 ? i : null)),
            },
          ],
          max: 100,
          format: (v) => `${v.toFixed(1).replace('.', ',')}`,
        })
        .lineChart({
          title: 'Xu hướng',
          labels: ['T1', 'T2', 'T3', 'T4'],
          series: [{ name: 'Tỷ lệ', colour: '#1d7a3a', values: [99.5, null, 98, 100] }],
          min: 0,
          max: 100,
          format: (v) => `${v} %`,
        })
        .end();
    const buf = await chart();
    const { pages, text } = await parsePdf(buf);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    for (const page of pages.slice(0, -1)) expect(page).toContain('50,0');
    expect(text).toContain('Huyện Đức Trọng 60');
    expect(text).toContain('Xu hướng');
    expect(text).toContain('Kỳ trước');
    expect((await chart()).equals(buf)).toBe(true);
  });
});
