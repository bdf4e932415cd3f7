/**
 * The compliance score (0-100) of one unit and its trend, from GET /api/reports/compliance with
 * the unit parameter (the report of that subtree only, never the whole province per keystroke).
 * Six consecutive periods from three requests: each report gives its period's score and the
 * previous period's.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../lib/api';
import { fmtDate, fmtNumber } from '../lib/format';
import { html } from '../lib/html';
import { messages } from '../lib/i18n';
import { LineChart } from './chart';
import { RefPicker } from './inventory-ref';
import { ErrorBox, Loading } from './ui';

const t = messages({
  vi: {
    title: 'Điểm tuân thủ theo đơn vị',
    unit: 'Đơn vị',
    period: 'Độ dài mỗi kỳ',
    d7: '7 ngày',
    d30: '30 ngày',
    choose: 'Chọn một đơn vị để xem điểm tuân thủ và xu hướng.',
    score: 'Điểm (cả cây đơn vị)',
    own: 'Điểm riêng của đơn vị',
    previous: 'Kỳ trước',
    change: 'Thay đổi',
    notScored: 'Chưa chấm điểm (không có dịch vụ được đo trong kỳ).',
    components: 'Thành phần điểm (riêng đơn vị)',
    ipv6: 'IPv6',
    dnssec: 'DNSSEC',
    availability: 'Khả dụng',
    incidents: 'Sự cố',
    trend: 'Xu hướng điểm tuân thủ, 6 kỳ',
    trendDesc: 'Điểm cả cây của {unit} theo từng kỳ {len}, kỳ gần nhất ở bên phải',
    subunits: 'Đơn vị trực thuộc',
    code: 'Mã',
    name: 'Tên',
    services: 'Dịch vụ',
    periodLabel: 'Kỳ {from} – {to}',
    outOf: '/ 100',
  },
  en: {
    title: 'Compliance score per unit',
    unit: 'Unit',
    period: 'Length of each period',
    d7: '7 days',
    d30: '30 days',
    choose: 'Choose a unit to see its compliance score and trend.',
    score: 'Score (whole subtree)',
    own: "The unit's own score",
    previous: 'Previous period',
    change: 'Change',
    notScored: 'Not scored (no service was measured in the period).',
    components: 'Score components (the unit itself)',
    ipv6: 'IPv6',
    dnssec: 'DNSSEC',
    availability: 'Availability',
    incidents: 'Incidents',
    trend: 'Compliance score trend, 6 periods',
    trendDesc: 'Subtree score of {unit} per {len} period, latest on the right',
    subunits: 'Units below',
    code: 'Code',
    name: 'Name',
    services: 'Services',
    periodLabel: 'Period {from} – {to}',
    outOf: '/ 100',
  },
});

/** A row of the report's `scorecard` section (JSON field names are English snake_case). */
interface ScoreRow {
  unit_code: string;
  unit_name: string;
  depth: number;
  services: number;
  subtree_services: number;
  ipv6: number | null;
  dnssec: number | null;
  availability: number | null;
  incidents: number | null;
  score: number | null;
  subtree_score: number | null;
  previous_score: number | null;
  previous_subtree_score: number | null;
  subtree_score_change: number | null;
}

interface SectionAnswer {
  period: { from: string; to: string };
  rows: ScoreRow[];
}

interface Loaded {
  /** Newest first: the report's own period. */
  latest: SectionAnswer;
  points: { from: number; to: number; score: number | null }[];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The next whole hour: the report covers what has been measured so far. */
function periodEnd(now = Date.now()): number {
  return Math.ceil(now / HOUR) * HOUR;
}

async function load(unit: string, days: number, signal: AbortSignal): Promise<Loaded> {
  const len = days * DAY;
  const end = periodEnd();
  // Reports ending at end, end − 2 len, end − 4 len: each gives two periods.
  const answers = await Promise.all(
    [0, 2, 4].map((k) =>
      api<SectionAnswer>('/api/reports/compliance', {
        query: {
          unit,
          section: 'scorecard',
          from: new Date(end - (k + 1) * len).toISOString(),
          to: new Date(end - k * len).toISOString(),
        },
        signal,
      }),
    ),
  );
  const points: Loaded['points'] = [];
  answers.forEach((a, i) => {
    const to = end - 2 * i * len;
    const root = a.rows[0];
    points.push({ from: to - len, to, score: root?.subtree_score ?? null });
    points.push({ from: to - 2 * len, to: to - len, score: root?.previous_subtree_score ?? null });
  });
  points.sort((a, b) => a.from - b.from);
  return { latest: answers[0], points };
}

const score = (v: number | null | undefined) =>
  v === null || v === undefined ? '—' : fmtNumber(v, 1);

export function UnitScores({
  initialUnit,
  onUnit,
}: {
  initialUnit: string | null;
  onUnit: (id: string | null) => void;
}) {
  const [unit, setUnit] = useState<string | null>(initialUnit);
  const [days, setDays] = useState(30);
  const [data, setData] = useState<Loaded | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(false);

  useEffect(() => setUnit(initialUnit), [initialUnit]);
  useEffect(() => {
    setData(null);
    setError(null);
    if (!unit) return;
    const controller = new AbortController();
    setLoading(true);
    load(unit, days, controller.signal)
      .then((d) => setData(d))
      .catch((e: unknown) => {
        if (!controller.signal.aborted)
          setError(e instanceof ApiError ? e : new ApiError(0, String(e), 'network_error'));
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
  }, [unit, days]);

  const root = data?.latest.rows[0];
  const children = data?.latest.rows.filter((r) => r.depth === 1) ?? [];
  return html`<section class="card" data-testid="unit-scores" aria-labelledby="unit-scores-h">
    <header class="card-head"><h2 id="unit-scores-h">${t('title')}</h2></header>
    <div class="toolbar">
      <div>
        <label for="unit-scores-unit">${t('unit')}</label>
        <${RefPicker}
          id="unit-scores-unit"
          kind="unit"
          value=${unit}
          onChange=${(id: string | null) => {
            setUnit(id);
            onUnit(id);
          }}
        />
      </div>
      <fieldset class="segmented">
        <legend>${t('period')}</legend>
        ${[7, 30].map(
          (d) =>
            html`<label class="inline"
              ><input
                type="radio"
                name="unit-scores-days"
                value=${d}
                checked=${days === d}
                onChange=${() => setDays(d)}
              />
              ${d === 7 ? t('d7') : t('d30')}</label
            >`,
        )}
      </fieldset>
    </div>
    ${!unit && html`<p class="muted">${t('choose')}</p>`} ${loading && html`<${Loading} />`}
    <${ErrorBox} error=${error} />
    ${
      root &&
      data &&
      html`<div class="unit-score">
        <p class="muted small">
          ${t('periodLabel', {
            from: fmtDate(data.latest.period.from),
            to: fmtDate(new Date(new Date(data.latest.period.to).getTime() - 1)),
          })}
        </p>
        <ul class="stats">
          <li class="stat">
            <span class="small">${t('score')}</span>
            <strong>${score(root.subtree_score)}</strong
            ><span class="small muted"> ${t('outOf')}</span>
          </li>
          <li class="stat">
            <span class="small">${t('own')}</span><strong>${score(root.score)}</strong>
          </li>
          <li class="stat">
            <span class="small">${t('previous')}</span
            ><strong>${score(root.previous_subtree_score)}</strong>
          </li>
          <li class="stat">
            <span class="small">${t('change')}</span>
            <strong
              >${
                root.subtree_score_change === null
                  ? '—'
                  : `${root.subtree_score_change > 0 ? '+' : ''}${fmtNumber(root.subtree_score_change, 1)}`
              }</strong
            >
          </li>
        </ul>
        ${root.subtree_score === null && html`<p class="muted">${t('notScored')}</p>`}
        <h3>${t('components')}</h3>
        <ul class="stats">
          ${(['ipv6', 'dnssec', 'availability', 'incidents'] as const).map(
            (k) =>
              html`<li class="stat">
                <span class="small">${t(k)}</span><strong>${score(root[k])}</strong>
              </li>`,
          )}
        </ul>
        <${LineChart}
          title=${t('trend')}
          desc=${t('trendDesc', { unit: root.unit_name, len: days === 7 ? t('d7') : t('d30') })}
          series=${[
            {
              label: t('score'),
              area: true,
              points: data.points.map((p) => ({ x: p.to - 1, y: p.score })),
            },
          ]}
          yMin=${0}
          yMax=${100}
          digits=${1}
          formatX=${(x: number) => fmtDate(new Date(x))}
          height=${180}
        />
        ${
          children.length > 0 &&
          html`<h3>${t('subunits')}</h3>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">${t('code')}</th>
                    <th scope="col">${t('name')}</th>
                    <th scope="col" class="num">${t('services')}</th>
                    <th scope="col" class="num">${t('score')}</th>
                    <th scope="col" class="num">${t('change')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${children.map(
                    (r) =>
                      html`<tr>
                        <td>${r.unit_code}</td>
                        <td>${r.unit_name}</td>
                        <td class="num">${fmtNumber(r.subtree_services)}</td>
                        <td class="num">${score(r.subtree_score)}</td>
                        <td class="num">
                          ${r.subtree_score_change === null ? '—' : fmtNumber(r.subtree_score_change, 1)}
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
        }
      </div>`
    }
  </section>`;
}
