import { readFileSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import {
  BarChartSpec,
  ChartCanvas,
  drawBarChart,
  drawLineChart,
  LineChartSpec,
} from './pdf-charts';

/*
 * Why pdfkit with DejaVu Sans embedded:
 *
 * Vietnamese needs more than a hundred precomposed letters with stacked diacritics (ắ, ề, ở, ự,
 * Đ, ...). The "standard 14" PDF fonts (Helvetica, Times, Courier, ...) use WinAnsi/Latin-1
 * encodings and have no glyphs for them, so a PDF that relies on them shows gaps or question
 * marks, and copies badly. The only reliable way is to embed a Unicode TrueType font that covers
 * Vietnamese: DejaVu Sans does (the `dejavu-fonts-ttf` package, free licence), and pdfkit
 * embeds a subset of it with a ToUnicode map, so the text also stays searchable and extractable.
 * pdfkit itself is pure JavaScript (no Chromium, no native tools) and, with the creation date
 * fixed, writes the same bytes for the same input.
 */

export type PdfLang = 'vi' | 'en';

export interface PdfDocumentOptions {
  /** Document metadata /Title. */
  title: string;
  /** /Author; default "NetWatch". */
  author?: string;
  subject?: string;
  keywords?: string;
  /** /CreationDate: fixed by the caller so the same input gives the same bytes. */
  creationDate: Date;
  /** Language of the fixed words (page footer "Trang 1/3" or "Page 1/3") and the PDF /Lang. */
  lang: PdfLang;
  /** Text at the left of every page footer (the page number is on the right). */
  footerText?: string;
}

export interface TableColumn {
  header: string;
  /** Share of the text width; the shares of a table are scaled to add up to 1. */
  width: number;
  align?: 'left' | 'right' | 'center';
}

export interface KeyValueRow {
  label: string;
  value: string;
}

/** Fonts as registered in every document. */
const FONT = 'DejaVuSans';
const FONT_BOLD = 'DejaVuSans-Bold';

let fontCache: { regular: Buffer; bold: Buffer } | undefined;

/** The DejaVu Sans files, read once, found through the package (works from src/ and dist/). */
function fonts(): { regular: Buffer; bold: Buffer } {
  fontCache ??= {
    regular: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')),
    bold: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf')),
  };
  return fontCache;
}

/** A4 in points, with 2 cm margins (2.5 cm at the bottom to leave room for the footer). */
const PAGE = { size: 'A4', margin: 56.7, bottom: 70.9 } as const;
const SIZES = { title: 15, subtitle: 10.5, heading: 11.5, body: 10, table: 9, small: 8.5 } as const;
const COLOURS = { text: '#000000', muted: '#555555', rule: '#999999', headerFill: '#e6e6e6' };
const CELL_PADDING = 4;

/** Vietnamese can arrive decomposed (NFD, e.g. from macOS input): draw precomposed glyphs. */
const nfc = (text: string): string => text.normalize('NFC');

/**
 * A small document builder over pdfkit for NetWatch reports: A4, DejaVu Sans (regular and
 * bold), title, headings, key–value tables, paragraphs, tables with a header row repeated after
 * page breaks, page numbers in the footer and fixed metadata. Call the methods in reading order,
 * then `end()` for the bytes.
 */
export class PdfDocumentBuilder {
  private readonly doc: PDFKit.PDFDocument;
  private readonly chunks: Buffer[] = [];
  private readonly done: Promise<Buffer>;

  constructor(private readonly options: PdfDocumentOptions) {
    const { regular, bold } = fonts();
    this.doc = new PDFDocument({
      size: PAGE.size,
      margins: { top: PAGE.margin, left: PAGE.margin, right: PAGE.margin, bottom: PAGE.bottom },
      bufferPages: true,
      lang: options.lang === 'vi' ? 'vi-VN' : 'en',
      displayTitle: true,
      pdfVersion: '1.7',
      info: {
        Title: nfc(options.title),
        Author: options.author ?? 'NetWatch',
        ...(options.subject ? { Subject: nfc(options.subject) } : {}),
        ...(options.keywords ? { Keywords: nfc(options.keywords) } : {}),
        Creator: 'NetWatch',
        Producer: 'NetWatch (PDFKit)',
        // pdfkit would take "now"; it also derives the trailer /ID from this dictionary, so a
        // fixed date is what makes the output reproducible (no random parts without encryption).
        CreationDate: options.creationDate,
      },
    });
    this.done = new Promise<Buffer>((resolve, reject) => {
      this.doc.on('data', (chunk: Buffer) => this.chunks.push(chunk));
      this.doc.on('end', () => resolve(Buffer.concat(this.chunks)));
      this.doc.on('error', reject);
    });
    this.doc.registerFont(FONT, regular);
    this.doc.registerFont(FONT_BOLD, bold);
    this.doc.font(FONT).fontSize(SIZES.body).fillColor(COLOURS.text);
  }

  /** Width available for text. */
  private get width(): number {
    return this.doc.page.width - this.doc.page.margins.left - this.doc.page.margins.right;
  }

  private get left(): number {
    return this.doc.page.margins.left;
  }

  /** The lowest y text may reach on this page. */
  private get bottom(): number {
    return this.doc.page.height - this.doc.page.margins.bottom;
  }

  /** Starts a new page when less than `height` is left on this one. */
  private ensureSpace(height: number): void {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }

  /** Centred lines above the title (e.g. the organisation), small and bold. */
  letterhead(lines: string[]): this {
    this.doc.font(FONT_BOLD).fontSize(SIZES.subtitle).fillColor(COLOURS.text);
    for (const line of lines)
      this.doc.text(nfc(line), this.left, this.doc.y, { width: this.width, align: 'center' });
    this.doc.moveDown(0.8);
    return this;
  }

  /** The document title, centred, with an optional subtitle line. */
  title(text: string, subtitle?: string): this {
    this.doc.font(FONT_BOLD).fontSize(SIZES.title).fillColor(COLOURS.text);
    this.doc.text(nfc(text), this.left, this.doc.y, { width: this.width, align: 'center' });
    if (subtitle) {
      this.doc.moveDown(0.2);
      this.doc.font(FONT).fontSize(SIZES.subtitle).fillColor(COLOURS.muted);
      this.doc.text(nfc(subtitle), this.left, this.doc.y, { width: this.width, align: 'center' });
    }
    this.doc.moveDown(1);
    this.doc.font(FONT).fontSize(SIZES.body).fillColor(COLOURS.text);
    return this;
  }

  /** A section heading; never left alone at the bottom of a page. */
  heading(text: string): this {
    this.doc.font(FONT_BOLD).fontSize(SIZES.heading);
    const height = this.doc.heightOfString(nfc(text), { width: this.width });
    this.ensureSpace(height + 4 * this.lineHeight());
    this.doc.moveDown(0.6);
    this.doc.fillColor(COLOURS.text).text(nfc(text), this.left, this.doc.y, { width: this.width });
    this.doc.moveDown(0.3);
    this.doc.font(FONT).fontSize(SIZES.body);
    return this;
  }

  /** A smaller bold heading inside a section; kept with a few lines of what follows. */
  subheading(text: string): this {
    this.doc.font(FONT_BOLD).fontSize(SIZES.body);
    this.ensureSpace(
      this.doc.heightOfString(nfc(text), { width: this.width }) + 5 * this.lineHeight(),
    );
    this.doc.moveDown(0.3);
    this.doc.fillColor(COLOURS.text).text(nfc(text), this.left, this.doc.y, { width: this.width });
    this.doc.moveDown(0.2);
    this.doc.font(FONT).fontSize(SIZES.body);
    return this;
  }

  /** Horizontal grouped bars (pdf-charts.ts); flows over pages like a table. */
  barChart(spec: BarChartSpec): this {
    drawBarChart(this.canvas(), spec);
    return this;
  }

  /** A line chart (pdf-charts.ts), kept on one page. */
  lineChart(spec: LineChartSpec, height?: number): this {
    drawLineChart(this.canvas(), spec, height);
    return this;
  }

  /** Running text; flows over as many pages as it needs. */
  paragraph(text: string, options: { muted?: boolean; small?: boolean } = {}): this {
    this.doc
      .font(FONT)
      .fontSize(options.small ? SIZES.small : SIZES.body)
      .fillColor(options.muted ? COLOURS.muted : COLOURS.text);
    this.doc.text(nfc(text), this.left, this.doc.y, { width: this.width, align: 'left' });
    this.doc.moveDown(0.4);
    this.doc.fontSize(SIZES.body).fillColor(COLOURS.text);
    return this;
  }

  /** A bold label line followed by running text (for long texts such as descriptions). */
  labelledText(label: string, text: string): this {
    this.doc.font(FONT_BOLD).fontSize(SIZES.body).fillColor(COLOURS.text);
    this.ensureSpace(3 * this.lineHeight());
    this.doc.text(nfc(label), this.left, this.doc.y, { width: this.width });
    this.doc.moveDown(0.15);
    return this.paragraph(text);
  }

  /** Label–value rows in a two-column grid (labels bold), no header row. */
  keyValues(rows: KeyValueRow[], labelShare = 0.34): this {
    this.grid(
      [
        { header: '', width: labelShare },
        { header: '', width: 1 - labelShare },
      ],
      rows.map((r) => [r.label, r.value]),
      { header: false, boldFirstColumn: true, fontSize: SIZES.body },
    );
    return this;
  }

  /** A table with a header row, repeated at the top of every page it continues on. */
  table(columns: TableColumn[], rows: string[][]): this {
    this.grid(columns, rows, { header: true, boldFirstColumn: false, fontSize: SIZES.table });
    return this;
  }

  /** Vertical space, in lines. */
  space(lines = 1): this {
    this.doc.moveDown(lines);
    return this;
  }

  /** Writes the page footers and returns the whole document. */
  async end(): Promise<Buffer> {
    const range = this.doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      this.doc.switchToPage(i);
      this.footer(i - range.start + 1, range.count);
    }
    this.doc.flushPages();
    this.doc.end();
    return this.done;
  }

  // ---- internals ----

  private canvas(): ChartCanvas {
    return {
      doc: this.doc,
      left: this.left,
      width: this.width,
      bottom: () => this.bottom,
      top: () => this.doc.page.margins.top,
      newPage: () => {
        this.doc.addPage();
      },
      fonts: { regular: FONT, bold: FONT_BOLD },
      text: nfc,
    };
  }

  private lineHeight(): number {
    return this.doc.currentLineHeight(true);
  }

  private footer(page: number, pages: number): void {
    const doc = this.doc;
    // Text below the bottom margin would make pdfkit open a new page: lift the margin meanwhile.
    const bottomMargin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = doc.page.height - bottomMargin + 24;
    const label = this.options.lang === 'vi' ? `Trang ${page}/${pages}` : `Page ${page}/${pages}`;
    doc.font(FONT).fontSize(SIZES.small).fillColor(COLOURS.muted);
    doc
      .moveTo(this.left, y - 6)
      .lineTo(this.left + this.width, y - 6)
      .lineWidth(0.5)
      .strokeColor(COLOURS.rule)
      .stroke();
    if (this.options.footerText)
      doc.text(nfc(this.options.footerText), this.left, y, {
        width: this.width * 0.75,
        lineBreak: false,
        ellipsis: true,
      });
    doc.text(label, this.left, y, { width: this.width, align: 'right', lineBreak: false });
    doc.page.margins.bottom = bottomMargin;
    doc.fillColor(COLOURS.text);
  }

  private grid(
    columns: TableColumn[],
    rows: string[][],
    options: { header: boolean; boldFirstColumn: boolean; fontSize: number },
  ): void {
    const doc = this.doc;
    const total = columns.reduce((sum, c) => sum + c.width, 0);
    const widths = columns.map((c) => (c.width / total) * this.width);
    const xs = widths.map((_, i) => this.left + widths.slice(0, i).reduce((a, b) => a + b, 0));
    const usable = this.bottom - doc.page.margins.top;

    const fontFor = (header: boolean, col: number) =>
      header || (options.boldFirstColumn && col === 0) ? FONT_BOLD : FONT;
    const cellHeight = (text: string, col: number, header: boolean) => {
      doc.font(fontFor(header, col)).fontSize(options.fontSize);
      return doc.heightOfString(text, { width: widths[col] - 2 * CELL_PADDING });
    };

    const drawRow = (cells: string[], header: boolean, maxHeight: number) => {
      const texts = cells.map((c) => nfc(c ?? ''));
      const natural = Math.max(...texts.map((t, i) => cellHeight(t, i, header)));
      // A cell taller than a page is cut off with an ellipsis (the JSON keeps the whole text).
      const height = Math.min(natural, maxHeight - 2 * CELL_PADDING) + 2 * CELL_PADDING;
      const y = doc.y;
      if (header) doc.rect(this.left, y, this.width, height).fillColor(COLOURS.headerFill).fill();
      doc.lineWidth(0.5).strokeColor(COLOURS.rule);
      for (let i = 0; i < texts.length; i++) doc.rect(xs[i], y, widths[i], height).stroke();
      for (let i = 0; i < texts.length; i++) {
        doc.font(fontFor(header, i)).fontSize(options.fontSize).fillColor(COLOURS.text);
        doc.text(texts[i], xs[i] + CELL_PADDING, y + CELL_PADDING, {
          width: widths[i] - 2 * CELL_PADDING,
          height: height - 2 * CELL_PADDING,
          align: columns[i].align ?? 'left',
          ellipsis: true,
        });
      }
      doc.x = this.left;
      doc.y = y + height;
    };

    const headerCells = columns.map((c) => c.header);
    const headerHeight = options.header
      ? Math.max(...headerCells.map((h, i) => cellHeight(nfc(h), i, true))) + 2 * CELL_PADDING
      : 0;
    const startPage = () => {
      if (options.header) drawRow(headerCells, true, usable);
    };

    // Start on a new page unless the header and the first row fit here.
    const first = rows[0] ?? [];
    const firstHeight = first.length
      ? Math.max(...first.map((c, i) => cellHeight(nfc(c ?? ''), i, false))) + 2 * CELL_PADDING
      : 0;
    this.ensureSpace(Math.min(headerHeight + firstHeight, usable));
    startPage();
    for (const row of rows) {
      const natural =
        Math.max(...row.map((c, i) => cellHeight(nfc(c ?? ''), i, false))) + 2 * CELL_PADDING;
      const height = Math.min(natural, usable - headerHeight);
      if (doc.y + height > this.bottom) {
        doc.addPage();
        startPage();
      }
      drawRow(row, false, usable - headerHeight);
    }
    doc.moveDown(0.5);
    doc.font(FONT).fontSize(SIZES.body).fillColor(COLOURS.text);
  }
}
