import {
  BarChartSpec,
  CHART_COLOURS,
  ChartSeries,
  defaultTicks,
  LineChartSpec,
} from '../../common/pdf/pdf-charts';

/**
 * The chart specs of src/common/pdf/pdf-charts.ts as inline SVG for the HTML report: the same
 * geometry as the PDF (grouped horizontal bars; a polyline per series), no script, no external
 * asset, every text escaped. Coordinates are rounded to 0.01 so the markup is reproducible.
 */

/** Escapes text for HTML/SVG content and attribute values. */
export function escapeHtml(value: string): string {
  return value
    .normalize('NFC')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const r = (v: number) => String(Math.round(v * 100) / 100);
const WIDTH = 720;
const FONT = 'font-family="DejaVu Sans, Verdana, Arial, sans-serif"';

function text(
  x: number,
  y: number,
  value: string,
  options: {
    size?: number;
    anchor?: 'start' | 'middle' | 'end';
    fill?: string;
    bold?: boolean;
  } = {},
): string {
  return (
    `<text x="${r(x)}" y="${r(y)}" font-size="${options.size ?? 11}"` +
    `${options.anchor && options.anchor !== 'start' ? ` text-anchor="${options.anchor}"` : ''}` +
    `${options.bold ? ' font-weight="bold"' : ''} fill="${options.fill ?? CHART_COLOURS.label}">` +
    `${escapeHtml(value)}</text>`
  );
}

function legend(series: ChartSeries[], y: number): string {
  let x = 0;
  const out: string[] = [];
  for (const s of series) {
    out.push(
      `<rect x="${r(x)}" y="${r(y - 9)}" width="10" height="10" fill="${escapeHtml(s.colour)}"/>`,
    );
    out.push(text(x + 14, y, s.name, { size: 11 }));
    x += 14 + s.name.length * 6.5 + 18;
  }
  return out.join('');
}

function svg(title: string, height: number, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${r(height)}" width="100%" ` +
    `style="max-width:${WIDTH}px" role="img" aria-label="${escapeHtml(title)}" ${FONT}>` +
    `<title>${escapeHtml(title)}</title>${body}</svg>`
  );
}

/** Grouped horizontal bars, one group per category. */
export function svgBarChart(spec: BarChartSpec): string {
  const ticks = spec.ticks ?? defaultTicks(0, spec.max);
  const labelW = WIDTH * 0.3;
  const valueW = 60;
  const plotX = labelW + 8;
  const plotW = WIDTH - plotX - valueW;
  const xOf = (v: number) => plotX + (Math.max(0, Math.min(v, spec.max)) / spec.max) * plotW;
  const n = Math.max(1, spec.series.length);
  const barH = 10;
  const rowH = n * barH + (n - 1) * 2 + 10;
  const out: string[] = [
    text(0, 14, spec.title, { size: 13, bold: true }),
    legend(spec.series, 34),
  ];
  let y = 52;
  for (const t of ticks)
    out.push(
      text(xOf(t), y, spec.format(t), { size: 10, anchor: 'middle', fill: CHART_COLOURS.muted }),
    );
  y += 6;
  const top = y;
  const bottom = top + rowH * spec.categories.length;
  for (const t of ticks)
    out.push(
      `<line x1="${r(xOf(t))}" y1="${r(top)}" x2="${r(xOf(t))}" y2="${r(bottom)}" stroke="${CHART_COLOURS.grid}" stroke-width="0.6"/>`,
    );
  spec.categories.forEach((category, i) => {
    const ry = top + i * rowH;
    const label = category.length > 40 ? `${category.slice(0, 39)}…` : category;
    out.push(text(0, ry + rowH / 2 + 4, label, { size: 11 }));
    spec.series.forEach((s, j) => {
      const by = ry + 5 + j * (barH + 2);
      const v = s.values[i] ?? null;
      if (v === null) {
        out.push(
          text(plotX + 3, by + barH - 1, spec.missing ?? '—', {
            size: 10,
            fill: CHART_COLOURS.muted,
          }),
        );
        return;
      }
      const w = Math.max(0.8, xOf(v) - plotX);
      out.push(
        `<rect x="${r(plotX)}" y="${r(by)}" width="${r(w)}" height="${barH}" fill="${escapeHtml(s.colour)}"/>`,
      );
      out.push(text(plotX + w + 4, by + barH - 1, spec.format(v), { size: 10 }));
    });
  });
  out.push(
    `<line x1="${r(plotX)}" y1="${r(bottom)}" x2="${r(plotX + plotW)}" y2="${r(bottom)}" stroke="${CHART_COLOURS.axis}"/>`,
  );
  return svg(spec.title, bottom + 4, out.join(''));
}

/** A line chart: grid, axis labels, a polyline and points per series (null breaks the line). */
export function svgLineChart(spec: LineChartSpec): string {
  const ticks = spec.ticks ?? defaultTicks(spec.min, spec.max);
  const axisW = 56;
  const plotX = axisW;
  const plotW = WIDTH - axisW - 10;
  const plotY = 56;
  const plotH = 200;
  const count = Math.max(1, spec.labels.length);
  const xOf = (i: number) => plotX + (plotW * (i + 0.5)) / count;
  const yOf = (v: number) =>
    plotY +
    plotH -
    ((Math.max(spec.min, Math.min(v, spec.max)) - spec.min) / (spec.max - spec.min)) * plotH;
  const out: string[] = [
    text(0, 14, spec.title, { size: 13, bold: true }),
    legend(spec.series, 34),
  ];
  for (const t of ticks) {
    out.push(
      `<line x1="${r(plotX)}" y1="${r(yOf(t))}" x2="${r(plotX + plotW)}" y2="${r(yOf(t))}" stroke="${CHART_COLOURS.grid}" stroke-width="0.6"/>`,
    );
    out.push(
      text(plotX - 6, yOf(t) + 4, spec.format(t), {
        size: 10,
        anchor: 'end',
        fill: CHART_COLOURS.muted,
      }),
    );
  }
  out.push(
    `<polyline points="${r(plotX)},${r(plotY)} ${r(plotX)},${r(plotY + plotH)} ${r(plotX + plotW)},${r(plotY + plotH)}" fill="none" stroke="${CHART_COLOURS.axis}"/>`,
  );
  spec.labels.forEach((label, i) =>
    out.push(
      text(xOf(i), plotY + plotH + 16, label, {
        size: 10,
        anchor: 'middle',
        fill: CHART_COLOURS.muted,
      }),
    ),
  );
  spec.series.forEach((s, j) => {
    const colour = escapeHtml(s.colour);
    let run: string[] = [];
    const flush = () => {
      if (run.length > 1)
        out.push(
          `<polyline points="${run.join(' ')}" fill="none" stroke="${colour}" stroke-width="2.2" stroke-linejoin="round"/>`,
        );
      run = [];
    };
    s.values.forEach((v, i) => {
      if (v === null) flush();
      else run.push(`${r(xOf(i))},${r(yOf(v))}`);
    });
    flush();
    s.values.forEach((v, i) => {
      if (v === null) return;
      out.push(`<circle cx="${r(xOf(i))}" cy="${r(yOf(v))}" r="3.2" fill="${colour}"/>`);
      // Even series above the point, odd below, unless that crosses the plot's top or axis.
      const fitsBelow = yOf(v) + 16 <= plotY + plotH - 2;
      const ly = (j % 2 === 0 && yOf(v) - 8 >= plotY) || !fitsBelow ? yOf(v) - 8 : yOf(v) + 16;
      out.push(text(xOf(i), ly, spec.format(v), { size: 10, anchor: 'middle', fill: s.colour }));
    });
  });
  return svg(spec.title, plotY + plotH + 26, out.join(''));
}
