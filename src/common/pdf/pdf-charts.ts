/*
 * Small vector charts for PDF reports, drawn with pdfkit's own vector API (rectangles, lines,
 * circles, text): no raster images, no chart library, so the charts stay sharp at any zoom,
 * their labels stay extractable text, and the same input gives the same bytes. Generic: the
 * chart specs carry only categories, series of numbers (null: no value) and a value formatter.
 */

/** One series of a chart; `values[i]` belongs to category (or label) i; null: no value. */
export interface ChartSeries {
  name: string;
  /** Fill / stroke colour, "#rrggbb". */
  colour: string;
  values: (number | null)[];
}

/** Horizontal grouped bars, one group per category (e.g. per unit), scale 0 to `max`. */
export interface BarChartSpec {
  title: string;
  categories: string[];
  series: ChartSeries[];
  max: number;
  /** Grid lines and axis labels; default 0, ¼, ½, ¾ and all of `max`. */
  ticks?: number[];
  /** Text of a value (bar labels and axis). */
  format: (value: number) => string;
  /** Written instead of a bar without a value; default "—". */
  missing?: string;
}

/** A line chart over ordered labels (e.g. periods), scale `min` to `max`. */
export interface LineChartSpec {
  title: string;
  labels: string[];
  series: ChartSeries[];
  min: number;
  max: number;
  ticks?: number[];
  format: (value: number) => string;
}

/** Where a chart is drawn: the builder's document and text column, and how to break pages. */
export interface ChartCanvas {
  doc: PDFKit.PDFDocument;
  left: number;
  width: number;
  /** The lowest y drawing may reach on the current page. */
  bottom: () => number;
  /** The top y of a fresh page. */
  top: () => number;
  newPage: () => void;
  fonts: { regular: string; bold: string };
  /** Text normalisation (NFC) the builder applies to every string. */
  text: (s: string) => string;
}

export const CHART_COLOURS = {
  grid: '#d0d0d0',
  axis: '#777777',
  label: '#000000',
  muted: '#555555',
};
const SIZE = { title: 9.5, label: 8, small: 7 };
const BAR = { height: 7, gap: 1.5, rowPadding: 5 };

export function defaultTicks(min: number, max: number): number[] {
  return [0, 0.25, 0.5, 0.75, 1].map((f) => min + (max - min) * f);
}

/** Round to 1/100 pt: the same input always gives the same numbers in the content stream. */
const p = (v: number) => Math.round(v * 100) / 100;

function oneLine(
  c: ChartCanvas,
  text: string,
  x: number,
  y: number,
  width: number,
  options: { size: number; bold?: boolean; colour?: string; align?: 'left' | 'right' | 'center' },
): void {
  const { doc } = c;
  doc
    .font(options.bold ? c.fonts.bold : c.fonts.regular)
    .fontSize(options.size)
    .fillColor(options.colour ?? CHART_COLOURS.label);
  doc.text(c.text(text), p(x), p(y), {
    width: p(width),
    height: options.size * 1.25,
    align: options.align ?? 'left',
    ellipsis: true,
  });
}

function titleAndLegend(c: ChartCanvas, title: string, series: ChartSeries[], y: number): number {
  const { doc } = c;
  oneLine(c, title, c.left, y, c.width, { size: SIZE.title, bold: true });
  y += SIZE.title * 1.5;
  let x = c.left;
  for (const s of series) {
    doc
      .rect(p(x), p(y + 1), 7, 7)
      .fillColor(s.colour)
      .fill();
    doc.font(c.fonts.regular).fontSize(SIZE.label);
    const w = doc.widthOfString(c.text(s.name));
    oneLine(c, s.name, x + 10, y, w + 2, { size: SIZE.label });
    x += 10 + w + 14;
  }
  return y + SIZE.label * 1.6;
}

/**
 * Horizontal grouped bars: category labels on the left, one bar per series, the value after
 * each bar. Flows over pages like a table (the axis labels are repeated on every page).
 */
export function drawBarChart(c: ChartCanvas, spec: BarChartSpec): void {
  const { doc } = c;
  const ticks = spec.ticks ?? defaultTicks(0, spec.max);
  const labelW = c.width * 0.3;
  const valueW = 46;
  const plotX = c.left + labelW + 6;
  const plotW = c.width - labelW - 6 - valueW;
  const xOf = (v: number) => plotX + (Math.max(0, Math.min(v, spec.max)) / spec.max) * plotW;
  const n = Math.max(1, spec.series.length);
  const rowH = n * BAR.height + (n - 1) * BAR.gap + 2 * BAR.rowPadding;
  const axisH = SIZE.small * 1.6;
  const headH = SIZE.title * 1.5 + SIZE.label * 1.6;

  let y = doc.y;
  if (y + headH + axisH + rowH > c.bottom()) {
    c.newPage();
    y = c.top();
  }
  y = titleAndLegend(c, spec.title, spec.series, y);
  const axis = () => {
    for (const t of ticks)
      oneLine(c, spec.format(t), xOf(t) - 25, y, 50, {
        size: SIZE.small,
        colour: CHART_COLOURS.muted,
        align: 'center',
      });
    y += axisH;
  };
  axis();
  for (let i = 0; i < spec.categories.length; i++) {
    if (y + rowH > c.bottom()) {
      c.newPage();
      y = c.top();
      axis();
    }
    doc.lineWidth(0.4).strokeColor(CHART_COLOURS.grid);
    for (const t of ticks)
      doc
        .moveTo(p(xOf(t)), p(y))
        .lineTo(p(xOf(t)), p(y + rowH))
        .stroke();
    oneLine(c, spec.categories[i], c.left, y + rowH / 2 - SIZE.label * 0.6, labelW, {
      size: SIZE.label,
    });
    spec.series.forEach((s, j) => {
      const by = y + BAR.rowPadding + j * (BAR.height + BAR.gap);
      const v = s.values[i] ?? null;
      if (v === null) {
        oneLine(c, spec.missing ?? '—', plotX + 2, by - 0.5, valueW, {
          size: SIZE.small,
          colour: CHART_COLOURS.muted,
        });
        return;
      }
      const w = Math.max(0.6, xOf(v) - plotX);
      doc.rect(p(plotX), p(by), p(w), BAR.height).fillColor(s.colour).fill();
      oneLine(c, spec.format(v), plotX + w + 3, by - 0.5, valueW, {
        size: SIZE.small,
        colour: CHART_COLOURS.label,
      });
    });
    y += rowH;
  }
  doc.lineWidth(0.6).strokeColor(CHART_COLOURS.axis);
  doc
    .moveTo(p(plotX), p(y))
    .lineTo(p(plotX + plotW), p(y))
    .stroke();
  doc.x = c.left;
  doc.y = y + 8;
  doc.font(c.fonts.regular).fillColor(CHART_COLOURS.label);
}

/** A line chart of fixed height (kept on one page): grid, axis labels, one polyline per series. */
export function drawLineChart(c: ChartCanvas, spec: LineChartSpec, height = 170): void {
  const { doc } = c;
  const ticks = spec.ticks ?? defaultTicks(spec.min, spec.max);
  const headH = SIZE.title * 1.5 + SIZE.label * 1.6;
  let y = doc.y;
  if (y + headH + height > c.bottom()) {
    c.newPage();
    y = c.top();
  }
  y = titleAndLegend(c, spec.title, spec.series, y);
  const axisW = 40;
  const labelsH = SIZE.small * 2.8;
  const plotX = c.left + axisW;
  const plotW = c.width - axisW - 8;
  const plotY = y + 6;
  const plotH = height - labelsH - 6;
  const n = Math.max(1, spec.labels.length);
  const xOf = (i: number) => plotX + (plotW * (i + 0.5)) / n;
  const yOf = (v: number) =>
    plotY +
    plotH -
    ((Math.max(spec.min, Math.min(v, spec.max)) - spec.min) / (spec.max - spec.min)) * plotH;

  doc.lineWidth(0.4).strokeColor(CHART_COLOURS.grid);
  for (const t of ticks) {
    doc
      .moveTo(p(plotX), p(yOf(t)))
      .lineTo(p(plotX + plotW), p(yOf(t)))
      .stroke();
    oneLine(c, spec.format(t), c.left, yOf(t) - SIZE.small * 0.6, axisW - 4, {
      size: SIZE.small,
      colour: CHART_COLOURS.muted,
      align: 'right',
    });
  }
  doc.lineWidth(0.6).strokeColor(CHART_COLOURS.axis);
  doc
    .moveTo(p(plotX), p(plotY))
    .lineTo(p(plotX), p(plotY + plotH))
    .lineTo(p(plotX + plotW), p(plotY + plotH))
    .stroke();
  spec.labels.forEach((label, i) => {
    doc.font(c.fonts.regular).fontSize(SIZE.small).fillColor(CHART_COLOURS.muted);
    doc.text(c.text(label), p(xOf(i) - plotW / n / 2), p(plotY + plotH + 4), {
      width: p(plotW / n),
      height: SIZE.small * 2.6,
      align: 'center',
      ellipsis: true,
    });
  });
  spec.series.forEach((s, j) => {
    doc.lineWidth(1.6).strokeColor(s.colour).lineJoin('round');
    let open = false;
    s.values.forEach((v, i) => {
      if (v === null) {
        open = false;
        return;
      }
      if (open) doc.lineTo(p(xOf(i)), p(yOf(v)));
      else doc.moveTo(p(xOf(i)), p(yOf(v)));
      open = true;
    });
    doc.stroke();
    s.values.forEach((v, i) => {
      if (v === null) return;
      doc
        .circle(p(xOf(i)), p(yOf(v)), 2.4)
        .fillColor(s.colour)
        .fill();
      // Values of even series above the point, of odd series below (two series rarely
      // collide), except where that would cross the top of the plot or the axis labels.
      const above = yOf(v) - SIZE.small * 1.9;
      const below = yOf(v) + SIZE.small * 0.7;
      const fitsBelow = below + SIZE.small * 1.25 <= plotY + plotH - 1;
      const ly = (j % 2 === 0 && above >= plotY - 2) || !fitsBelow ? above : below;
      oneLine(c, spec.format(v), xOf(i) - 30, ly, 60, {
        size: SIZE.small,
        colour: s.colour,
        align: 'center',
      });
    });
  });
  doc.x = c.left;
  doc.y = y + height + 6;
  doc.font(c.fonts.regular).fillColor(CHART_COLOURS.label);
}
