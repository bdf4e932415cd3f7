import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html';
import { messages } from '../lib/i18n';
import { fmtNumber } from '../lib/format';

/**
 * A small hand-written SVG line / area chart: a few hundred points need no chart library. It is
 * an image to assistive technology (role="img" with <title> and <desc>), and the same numbers
 * are one click away as a table. Series differ by dash pattern and legend text, not only colour.
 */

const t = messages({
  vi: {
    table: 'Xem số liệu dạng bảng',
    time: 'Thời điểm',
    noData: 'Chưa có số liệu trong khoảng thời gian này.',
    summary: '{label}: {count} điểm, thấp nhất {min}, cao nhất {max}, gần nhất {last}',
  },
  en: {
    table: 'Show the data as a table',
    time: 'Time',
    noData: 'No data in this period yet.',
    summary: '{label}: {count} points, lowest {min}, highest {max}, latest {last}',
  },
});

export interface ChartPoint {
  /** Milliseconds since the epoch. */
  x: number;
  /** null: a gap (no data in that bucket). */
  y: number | null;
}

export interface ChartSeries {
  label: string;
  points: ChartPoint[];
  /** An area is filled down to the axis; at most one per chart reads well. */
  area?: boolean;
}

export interface LineChartProps {
  title: string;
  /** Longer description for screen readers (what is measured, over which period). */
  desc?: string;
  series: ChartSeries[];
  /** Fixed y range (e.g. 0-100 for percentages); else 0 to the data's maximum. */
  yMin?: number;
  yMax?: number;
  /** Shown after each y value: ' ms', ' %'. */
  unit?: string;
  /** Decimals of y values in labels and the table. */
  digits?: number;
  /** The x axis labels and the table's time column. */
  formatX: (x: number) => string;
  /** The x range; else the data's. */
  xMin?: number;
  xMax?: number;
  height?: number;
}

const PAD = { left: 52, right: 12, top: 10, bottom: 26 };
const COLOURS = ['var(--accent)', 'var(--degraded)', 'var(--up)', 'var(--unreachable)'];
const DASHES = ['', '6 4', '2 3', '10 3 2 3'];

/** A round step near (max - min) / 4: 1, 2 or 5 × 10^n. */
function niceStep(span: number): number {
  if (span <= 0) return 1;
  const raw = span / 4;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/** Runs of consecutive points with a value: a null breaks the line. */
function runs(points: ChartPoint[]): ChartPoint[][] {
  const out: ChartPoint[][] = [];
  let cur: ChartPoint[] = [];
  for (const p of points) {
    if (p.y === null) {
      if (cur.length) out.push(cur);
      cur = [];
    } else cur.push(p);
  }
  if (cur.length) out.push(cur);
  return out;
}

/** The figure's width in CSS pixels, so text is drawn at its real size at any width. */
function useWidth(initial: number) {
  const ref = useRef<HTMLElement>(null);
  const [width, setWidth] = useState(initial);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(([entry]) => {
      const w = Math.round(entry.contentRect.width);
      if (w > 0) setWidth(w);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return { ref, width };
}

export function LineChart(props: LineChartProps) {
  const id = useId();
  const { ref, width: W } = useWidth(640);
  const H = props.height ?? 200;
  const all = props.series.flatMap((s) => s.points);
  const values = all.map((p) => p.y).filter((y): y is number => y !== null);
  const unit = props.unit ?? '';
  const digits = props.digits ?? 0;
  const fmt = (y: number | null) => (y === null ? '—' : `${fmtNumber(y, digits)}${unit}`);

  if (!values.length)
    return html`<figure class="chart-figure" ref=${ref}>
      <figcaption class="chart-caption">${props.title}</figcaption>
      <p class="muted">${t('noData')}</p>
    </figure>`;

  const xs = all.map((p) => p.x);
  let x0 = props.xMin ?? Math.min(...xs);
  let x1 = props.xMax ?? Math.max(...xs);
  if (x1 <= x0) {
    // One point: give it some room.
    x0 -= 1;
    x1 += 1;
  }
  const dataMax = Math.max(...values);
  const y0 = props.yMin ?? 0;
  let y1 = props.yMax ?? (dataMax > y0 ? dataMax : y0 + 1);
  const step = niceStep(y1 - y0);
  if (props.yMax === undefined) y1 = Math.ceil(y1 / step) * step;
  const sx = (x: number) => PAD.left + ((x - x0) / (x1 - x0)) * (W - PAD.left - PAD.right);
  const sy = (y: number) => PAD.top + (1 - (y - y0) / (y1 - y0)) * (H - PAD.top - PAD.bottom);
  const ticks: number[] = [];
  for (let v = y0; v <= y1 + step / 1000; v += step) ticks.push(v);
  // A phone has room for the two ends only (a date and time label is ~110 px wide).
  const xTicks = W < 480 ? [x0, x1] : [x0, (x0 + x1) / 2, x1];

  const summaries = props.series.map((s) => {
    const ys = s.points.map((p) => p.y).filter((y): y is number => y !== null);
    return ys.length
      ? t('summary', {
          label: s.label,
          count: ys.length,
          min: fmt(Math.min(...ys)),
          max: fmt(Math.max(...ys)),
          last: fmt(ys[ys.length - 1]),
        })
      : `${s.label}: —`;
  });
  const desc = [props.desc, ...summaries].filter(Boolean).join('. ');
  // The table lists every x once, each series in its column (bounded by the data: a few hundred).
  const rowsX = [...new Set(xs)].sort((a, b) => b - a);
  const lookup = props.series.map((s) => new Map(s.points.map((p) => [p.x, p.y])));

  return html`<figure class="chart-figure" ref=${ref}>
    <figcaption class="chart-caption">${props.title}</figcaption>
    <svg
      class="chart"
      viewBox=${`0 0 ${W} ${H}`}
      width=${W}
      height=${H}
      role="img"
      aria-labelledby=${`${id}-t ${id}-d`}
    >
      <title id=${`${id}-t`}>${props.title}</title>
      <desc id=${`${id}-d`}>${desc}</desc>
      ${ticks.map(
        (v) =>
          html`<g>
            <line class="chart-grid" x1=${PAD.left} x2=${W - PAD.right} y1=${sy(v)} y2=${sy(v)} />
            <text class="chart-label" x=${PAD.left - 6} y=${sy(v) + 4} text-anchor="end">
              ${fmtNumber(v, step < 1 ? 1 : 0)}
            </text>
          </g>`,
      )}
      ${xTicks.map(
        (x, i) =>
          html`<text
            class="chart-label"
            x=${sx(x)}
            y=${H - 6}
            text-anchor=${i === 0 ? 'start' : i === xTicks.length - 1 ? 'end' : 'middle'}
          >
            ${props.formatX(x)}
          </text>`,
      )}
      ${props.series.map((s, i) => {
        const colour = COLOURS[i % COLOURS.length];
        return runs(s.points).map((run) => {
          const d = run
            .map((p, k) => `${k ? 'L' : 'M'}${sx(p.x).toFixed(1)},${sy(p.y!).toFixed(1)}`)
            .join(' ');
          const base = sy(Math.max(y0, 0));
          const area =
            s.area && run.length > 1
              ? `${d} L${sx(run[run.length - 1].x).toFixed(1)},${base} L${sx(run[0].x).toFixed(1)},${base} Z`
              : null;
          return html`<g>
            ${area && html`<path d=${area} fill=${colour} fill-opacity="0.15" stroke="none" />`}
            <path
              d=${d}
              fill="none"
              stroke=${colour}
              stroke-width="2"
              stroke-dasharray=${DASHES[i % DASHES.length] || undefined}
            />
            ${
              run.length === 1 &&
              html`<circle cx=${sx(run[0].x)} cy=${sy(run[0].y!)} r="3" fill=${colour} />`
            }
          </g>`;
        });
      })}
    </svg>
    ${
      props.series.length > 1 &&
      html`<ul class="chart-legend">
        ${props.series.map(
          (s, i) =>
            html`<li>
              <svg width="28" height="10" aria-hidden="true">
                <line
                  x1="0"
                  x2="28"
                  y1="5"
                  y2="5"
                  stroke=${COLOURS[i % COLOURS.length]}
                  stroke-width="2"
                  stroke-dasharray=${DASHES[i % DASHES.length] || undefined}
                />
              </svg>
              ${s.label}
            </li>`,
        )}
      </ul>`
    }
    <details class="chart-data">
      <summary>${t('table')}</summary>
      <div class="table-wrap chart-table">
        <table>
          <caption class="sr-only">
            ${props.title}
          </caption>
          <thead>
            <tr>
              <th scope="col">${t('time')}</th>
              ${props.series.map((s) => html`<th scope="col" class="num">${s.label}</th>`)}
            </tr>
          </thead>
          <tbody>
            ${rowsX.map(
              (x) =>
                html`<tr>
                  <td>${props.formatX(x)}</td>
                  ${lookup.map((m) => html`<td class="num">${fmt(m.get(x) ?? null)}</td>`)}
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </details>
  </figure>`;
}
