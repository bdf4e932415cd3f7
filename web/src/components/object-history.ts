/**
 * History of one check of an object over 24 h / 7 d / 30 d: uptime and latency from the
 * rollups (GET /api/status/checks/:id/uptime), and for 24 h the raw latencies (at most 1,000
 * results: GET /api/status/checks/:id/results).
 */
import { useState } from 'preact/hooks';
import { fmtDateTime, fmtDuration, fmtNumber, fmtPercent } from '../lib/format';
import { html } from '../lib/html';
import { useApi } from '../lib/hooks';
import { messages } from '../lib/i18n';
import { LineChart } from './chart';
import { ErrorBox, Loading } from './ui';

const t = messages({
  vi: {
    title: 'Lịch sử',
    check: 'Kiểm tra',
    range: 'Khoảng thời gian',
    r24h: '24 giờ',
    r7d: '7 ngày',
    r30d: '30 ngày',
    uptime: 'Tỷ lệ hoạt động',
    downtime: 'Thời gian lỗi',
    p50: 'Độ trễ trung vị',
    p95: 'Độ trễ p95',
    results: 'Số kết quả',
    uptimeChart: 'Tỷ lệ hoạt động theo {step} (%)',
    uptimeDesc: 'Phần trăm kết quả hoạt động hoặc suy giảm trên số kết quả được đánh giá, {range}',
    latencyChart: 'Độ trễ (ms)',
    latencyDesc: 'Độ trễ đo được của kiểm tra, {range}',
    hour: 'giờ',
    day: 'ngày',
    mean: 'Trung bình',
    p95s: 'p95',
    latency: 'Độ trễ',
    approx: 'Một phần khoảng thời gian vượt thời hạn lưu chi tiết: số liệu gần đúng.',
    noLatency: 'Kiểm tra này không đo độ trễ.',
  },
  en: {
    title: 'History',
    check: 'Check',
    range: 'Period',
    r24h: '24 hours',
    r7d: '7 days',
    r30d: '30 days',
    uptime: 'Uptime',
    downtime: 'Downtime',
    p50: 'Median latency',
    p95: 'p95 latency',
    results: 'Results',
    uptimeChart: 'Uptime per {step} (%)',
    uptimeDesc: 'Share of judged results that were up or degraded, {range}',
    latencyChart: 'Latency (ms)',
    latencyDesc: 'Measured latency of the check, {range}',
    hour: 'hour',
    day: 'day',
    mean: 'Mean',
    p95s: 'p95',
    latency: 'Latency',
    approx: 'Part of the period lies beyond the detailed retention: figures are approximate.',
    noLatency: 'This check measures no latency.',
  },
});

const RANGES = ['24h', '7d', '30d'] as const;
type Range = (typeof RANGES)[number];
const rangeLabel = (r: Range) => t(r === '24h' ? 'r24h' : r === '7d' ? 'r7d' : 'r30d');

interface SeriesPoint {
  bucket: string;
  up: number;
  degraded: number;
  down: number;
  unreachable: number;
  total: number;
  latencyCount: number;
  meanMs: number | null;
  p95Ms: number | null;
}

interface UptimeAnswer {
  from: string;
  to: string;
  uptime: { uptimePercent: number | null; downtimeMinutes: number; total: number };
  approximate: boolean;
  latency: { count: number; percentiles: Record<string, number | null> };
  series: SeriesPoint[];
}

interface ResultsAnswer {
  items: { at: string; status: string; latencyMs: number | null }[];
}

export interface HistoryCheck {
  id: string;
  key: string;
  kind: string;
  family: number | null;
}

export const checkName = (c: HistoryCheck) => `${c.kind}${c.family ? ` (IPv${c.family})` : ''}`;

/** Checks whose results carry a latency come first: their chart says the most. */
const LATENCY_KINDS = ['http', 'tcp', 'icmp', 'smtp', 'dns-answer', 'snmp', 'tls'];

export function ObjectHistory({ checks }: { checks: HistoryCheck[] }) {
  const preferred = checks.find((c) => LATENCY_KINDS.includes(c.kind)) ?? checks[0];
  const [chosen, setChosen] = useState<string | null>(null);
  const [range, setRange] = useState<Range>('24h');
  const checkId = checks.some((c) => c.id === chosen) ? chosen : (preferred?.id ?? null);
  const uptime = useApi<UptimeAnswer>(
    checkId ? `/api/status/checks/${checkId}/uptime` : null,
    { range },
    { pollMs: 60_000 },
  );
  const raw = useApi<ResultsAnswer>(
    checkId && range === '24h' ? `/api/status/checks/${checkId}/results` : null,
    { range, limit: 1000 },
    { pollMs: 60_000 },
  );
  const d = uptime.data;
  const step = range === '24h' ? 'hour' : 'day';
  const fmtX = (x: number) => fmtDateTime(new Date(x));
  const span = d ? { xMin: Date.parse(d.from), xMax: Date.parse(d.to) } : {};
  const uptimePoints = (d?.series ?? []).map((p) => {
    const judged = p.up + p.degraded + p.down + p.unreachable;
    return { x: Date.parse(p.bucket), y: judged ? ((p.up + p.degraded) / judged) * 100 : null };
  });
  const rawLatency = (raw.data?.items ?? [])
    .filter((r) => r.latencyMs !== null)
    .map((r) => ({ x: Date.parse(r.at), y: r.latencyMs }))
    .reverse();
  const latencySeries =
    range === '24h' && rawLatency.length > 1
      ? [{ label: t('latency'), points: rawLatency }]
      : [
          {
            label: t('mean'),
            points: (d?.series ?? []).map((p) => ({ x: Date.parse(p.bucket), y: p.meanMs })),
          },
          {
            label: t('p95s'),
            points: (d?.series ?? []).map((p) => ({ x: Date.parse(p.bucket), y: p.p95Ms })),
          },
        ];
  const hasLatency = (d?.latency.count ?? 0) > 0 || rawLatency.length > 0;
  return html`<section class="card" data-testid="object-history" aria-labelledby="history-h">
    <header class="card-head"><h2 id="history-h">${t('title')}</h2></header>
    <div class="toolbar">
      <div>
        <label for="history-check">${t('check')}</label>
        <select
          id="history-check"
          onChange=${(e: Event) => setChosen((e.target as HTMLSelectElement).value)}
        >
          ${checks.map(
            (c) =>
              html`<option value=${c.id} selected=${c.id === checkId}>${checkName(c)}</option>`,
          )}
        </select>
      </div>
      <div role="group" aria-labelledby="history-range-l">
        <span id="history-range-l" class="small"><strong>${t('range')}</strong></span>
        <div class="range-switch">
          ${RANGES.map(
            (r) =>
              html`<button
                type="button"
                aria-pressed=${range === r ? 'true' : 'false'}
                onClick=${() => setRange(r)}
              >
                ${rangeLabel(r)}
              </button>`,
          )}
        </div>
      </div>
    </div>
    <${ErrorBox} error=${uptime.error} />
    ${uptime.loading && !d && html`<${Loading} />`}
    ${
      d &&
      html`<ul class="stats">
          <li class="stat">
            <span class="small">${t('uptime')}</span
            ><strong>${fmtPercent(d.uptime.uptimePercent)}</strong>
          </li>
          <li class="stat">
            <span class="small">${t('downtime')}</span
            ><strong>${fmtDuration(d.uptime.downtimeMinutes * 60)}</strong>
          </li>
          <li class="stat">
            <span class="small">${t('p50')}</span
            ><strong
              >${d.latency.percentiles.p50 == null ? '—' : `${fmtNumber(d.latency.percentiles.p50)} ms`}</strong
            >
          </li>
          <li class="stat">
            <span class="small">${t('p95')}</span
            ><strong
              >${d.latency.percentiles.p95 == null ? '—' : `${fmtNumber(d.latency.percentiles.p95)} ms`}</strong
            >
          </li>
          <li class="stat">
            <span class="small">${t('results')}</span><strong>${fmtNumber(d.uptime.total)}</strong>
          </li>
        </ul>
        ${d.approximate && html`<p class="muted small">${t('approx')}</p>`}
        <div class="grid">
          <${LineChart}
            title=${t('uptimeChart', { step: t(step) })}
            desc=${t('uptimeDesc', { range: rangeLabel(range) })}
            series=${[{ label: t('uptime'), area: true, points: uptimePoints }]}
            yMin=${0}
            yMax=${100}
            unit=" %"
            digits=${1}
            formatX=${fmtX}
            ...${span}
          />
          ${
            hasLatency
              ? html`<${LineChart}
                  title=${t('latencyChart')}
                  desc=${t('latencyDesc', { range: rangeLabel(range) })}
                  series=${latencySeries}
                  unit=" ms"
                  formatX=${fmtX}
                  ...${span}
                />`
              : html`<p class="muted">${t('noLatency')}</p>`
          }
        </div>`
    }
  </section>`;
}
