import type { BarChartSpec, LineChartSpec } from '../../common/pdf/pdf-charts';
import type { OrganisationNames } from '../../incidents/report/incident-report.settings';
import type { ComplianceReport } from './compliance-report';
import {
  DASH,
  formatChange,
  formatDate,
  formatDateTime,
  formatMinutes,
  formatNumber,
  formatPercent,
  formatPeriod,
  formatSeconds,
  RenderLang,
} from './format';
import { COMPLIANCE_LABELS } from './labels';

/**
 * The compliance report laid out for reading, in one language: letterhead, title, and the
 * sections as a list of blocks (key–value rows, tables, charts, notes), every value already
 * formatted. The HTML and the PDF renderers only draw these blocks, so both formats carry the
 * same content. Long lists (per service, per zone) show the rows that need attention, at most
 * MAX_ROWS; the CSV sections have every row.
 */

export const MAX_ROWS = 200;

export interface DocColumn {
  header: string;
  /** Relative width. */
  width: number;
  align?: 'left' | 'right' | 'center';
}

export type DocBlock =
  | { kind: 'paragraph'; text: string; muted?: boolean }
  | { kind: 'subheading'; text: string }
  | { kind: 'keyValues'; rows: { label: string; value: string }[] }
  | { kind: 'table'; columns: DocColumn[]; rows: string[][]; indent?: number[] }
  | { kind: 'bars'; chart: BarChartSpec }
  | { kind: 'line'; chart: LineChartSpec };

export interface DocSection {
  id: string;
  /** Numbered title, e.g. "2. Sẵn sàng IPv6". */
  title: string;
  blocks: DocBlock[];
}

export interface ComplianceDocument {
  lang: RenderLang;
  letterhead: string[];
  title: string;
  subtitle: string;
  /** Document metadata title. */
  metaTitle: string;
  footer: string;
  generatedAt: Date;
  sections: DocSection[];
}

export const CHART_SERIES_COLOURS = {
  current: '#1f5fa8',
  previous: '#9fb3cc',
  availability: '#1d7a3a',
  ipv6: '#1f5fa8',
};

export function complianceDocument(
  report: ComplianceReport,
  lang: RenderLang,
  organisation: OrganisationNames,
): ComplianceDocument {
  const t = COMPLIANCE_LABELS[lang];
  const n = (v: number | null) => formatNumber(v, lang);
  const pc = (v: number | null) => formatPercent(v, lang);
  const ch = (v: number | null) => formatChange(v, lang);
  const yesNo = (v: boolean | null) =>
    v === null ? t.values.unknown : v ? t.values.yes : t.values.no;
  const units = new Map(report.scorecard.units.map((u) => [u.unitId, u]));
  const unitName = (id: string | null, code: string | null, name?: string | null): string => {
    if (id === null && code === null) return t.values.noUnit;
    const u = id ? units.get(id) : undefined;
    const display = lang === 'en' ? (u?.unitNameEn ?? u?.unitName ?? name) : (u?.unitName ?? name);
    return display ? `${display} (${code ?? u?.unitCode ?? ''})` : (code ?? DASH);
  };
  /** A table of at most MAX_ROWS rows (a line points to the CSV for the rest), or "none". */
  const cappedTable = (columns: DocColumn[], rows: string[][], section: string): DocBlock[] => {
    if (!rows.length) return [{ kind: 'paragraph', text: t.values.none }];
    const table: DocBlock = { kind: 'table', columns, rows: rows.slice(0, MAX_ROWS) };
    return rows.length > MAX_ROWS
      ? [
          table,
          { kind: 'paragraph', text: t.text.more(rows.length - MAX_ROWS, section), muted: true },
        ]
      : [table];
  };
  const period = formatPeriod(report.period.from, report.period.to, lang);
  const scope = report.scope.unitId
    ? unitName(report.scope.unitId, report.scope.unitCode, report.scope.unitName)
    : t.wholeProvince;
  const percentFormat = (v: number) => pc(v);

  // The scope's own score: the root's subtree score, or (whole province) the top units'.
  const roots = report.scorecard.units.filter((u) => u.depth === 0);
  const weighted = (score: (u: (typeof roots)[number]) => number | null) => {
    const scored = roots.filter((u) => score(u) !== null && u.subtreeServices > 0);
    const services = scored.reduce((a, u) => a + u.subtreeServices, 0);
    return services
      ? Math.round(
          (scored.reduce((a, u) => a + score(u)! * u.subtreeServices, 0) / services) * 100,
        ) / 100
      : null;
  };
  const scopeScore = weighted((u) => u.subtreeScore);
  const scopePrevious = weighted((u) => u.previousSubtreeScore);

  const sections: Omit<DocSection, 'title'>[] = [];
  const titles: string[] = [];
  const section = (id: string, title: string, blocks: DocBlock[]) => {
    sections.push({ id, blocks });
    titles.push(title);
  };

  // 1. Summary.
  const ipv6 = report.ipv6.total;
  const dn = report.dnssec.summary;
  const av = report.availability.summary;
  const inc = report.incidents;
  section('summary', t.sections.summary, [
    {
      kind: 'keyValues',
      rows: [
        { label: t.fields.organisation, value: organisation.name },
        { label: t.fields.period, value: period },
        {
          label: t.fields.previousPeriod,
          value: formatPeriod(report.previousPeriod.from, report.previousPeriod.to, lang),
        },
        { label: t.fields.scope, value: scope },
        { label: t.fields.generatedAt, value: formatDateTime(report.generatedAt, lang) },
        {
          label: t.fields.inventory,
          value: `${n(report.scope.units)} / ${n(report.scope.services)} / ${n(report.scope.circuits)}`,
        },
        {
          label: t.fields.ipv6Operational,
          value: t.text.scores(
            t.text.ofTotal(
              ipv6.all.operational,
              ipv6.all.services,
              pc(ipv6.all.operationalPercent),
            ),
            pc(ipv6.previousOperationalPercent),
            ch(ipv6.operationalPercentChange),
          ),
        },
        { label: t.fields.dnssec, value: `${pc(dn.signedPercent)} / ${pc(dn.validatingPercent)}` },
        {
          label: t.fields.availability,
          value: `${pc(av.meanUptimePercent)} · ${t.fields.servicesMeetingTarget}: ${av.servicesMeetingTarget}/${av.servicesWithData}`,
        },
        { label: t.fields.sla, value: `${av.circuitsMeetingSla} / ${av.circuitsBreachingSla}` },
        { label: t.fields.incidents, value: `${n(inc.total)} (${n(inc.previousTotal)})` },
        {
          label: t.fields.score,
          value: t.text.scores(
            n(scopeScore),
            n(scopePrevious),
            ch(scopeScore === null || scopePrevious === null ? null : scopeScore - scopePrevious),
          ),
        },
      ],
    },
    { kind: 'paragraph', text: t.text.timeNote, muted: true },
  ]);

  // 2. IPv6.
  const family = (c: {
    services: number;
    operational: number;
    operationalPercent: number | null;
  }) => (c.services ? t.text.ofTotal(c.operational, c.services, pc(c.operationalPercent)) : DASH);
  const gridRows = report.ipv6.grid.map((r) => [
    unitName(r.unitId, r.unitCode, r.unitName),
    family(r.web),
    family(r.mail),
    family(r.dns),
    family(r.all),
    pc(r.previousOperationalPercent),
    ch(r.operationalPercentChange),
  ]);
  gridRows.push([
    t.values.total,
    family(ipv6.web),
    family(ipv6.mail),
    family(ipv6.dns),
    family(ipv6.all),
    pc(ipv6.previousOperationalPercent),
    ch(ipv6.operationalPercentChange),
  ]);
  const notOperational = report.ipv6.services.filter((s) => !s.operational);
  const notOperationalRows = notOperational.map((s) => [
    unitName(s.unitId, s.unitCode),
    s.hostname,
    t.values.family[s.family],
    yesNo(s.assigned),
    pc(s.operationalPercent),
  ]);
  section('ipv6', t.sections.ipv6, [
    { kind: 'paragraph', text: t.text.ipv6Method(pc(report.ipv6.operationalThresholdPercent)) },
    {
      kind: 'bars',
      chart: {
        title: t.charts.ipv6ByUnit,
        categories: report.ipv6.grid.map((r) => unitName(r.unitId, r.unitCode, r.unitName)),
        series: [
          {
            name: t.charts.thisPeriod,
            colour: CHART_SERIES_COLOURS.current,
            values: report.ipv6.grid.map((r) => r.all.operationalPercent),
          },
          {
            name: t.charts.previousPeriod,
            colour: CHART_SERIES_COLOURS.previous,
            values: report.ipv6.grid.map((r) => r.previousOperationalPercent),
          },
        ],
        max: 100,
        format: percentFormat,
      },
    },
    { kind: 'subheading', text: t.sub.ipv6Grid },
    {
      kind: 'table',
      columns: [
        { header: t.columns.unit, width: 2.1 },
        { header: t.columns.web, width: 1.25, align: 'right' },
        { header: t.columns.mail, width: 1.25, align: 'right' },
        { header: t.columns.dns, width: 1.25, align: 'right' },
        { header: t.columns.all, width: 1.25, align: 'right' },
        { header: t.columns.previous, width: 1.2, align: 'right' },
        { header: t.columns.changePp, width: 1.2, align: 'right' },
      ],
      rows: gridRows,
    },
    { kind: 'subheading', text: t.sub.ipv6Ranking },
    {
      kind: 'table',
      columns: [
        { header: t.columns.rank, width: 0.6, align: 'right' },
        { header: t.columns.unit, width: 3 },
        { header: t.columns.services, width: 0.9, align: 'right' },
        { header: t.columns.operationalPct, width: 1.1, align: 'right' },
        { header: t.columns.previous, width: 1, align: 'right' },
        { header: t.columns.changePp, width: 1, align: 'right' },
      ],
      rows: report.ipv6.ranking.map((r) => [
        String(r.rank),
        unitName(r.unitId, r.unitCode, r.unitName),
        n(r.services),
        pc(r.operationalPercent),
        pc(r.previousOperationalPercent),
        ch(r.operationalPercentChange),
      ]),
    },
    { kind: 'subheading', text: t.sub.ipv6NotOperational },
    ...cappedTable(
      [
        { header: t.columns.unit, width: 2.4 },
        { header: t.columns.hostname, width: 2.4 },
        { header: t.columns.family, width: 1 },
        { header: t.columns.aaaa, width: 0.9 },
        { header: t.columns.operationalPct, width: 1.1, align: 'right' },
      ],
      notOperationalRows,
      'ipv6-services',
    ),
  ]);

  // 3. DNSSEC.
  const attention = report.dnssec.zones.filter(
    (z) => z.validation !== 'secure' || z.expiringSoon || z.warnings.length > 0,
  );
  const attentionRows = attention.map((z) => [
    unitName(z.unitId, z.unitCode),
    z.hostname,
    z.validation ? t.values.validation[z.validation] : t.values.unknown,
    pc(z.validPercent),
    z.daysToExpiry === null ? DASH : n(z.daysToExpiry),
    z.warnings.join(', ') || DASH,
  ]);
  section('dnssec', t.sections.dnssec, [
    { kind: 'paragraph', text: t.text.dnssecMethod },
    {
      kind: 'keyValues',
      rows: [
        { label: t.fields.zones, value: n(dn.zones) },
        {
          label: t.fields.signed,
          value: t.text.ofTotal(dn.signed, dn.zones, pc(dn.signedPercent)),
        },
        {
          label: t.fields.validating,
          value: t.text.ofTotal(dn.validating, dn.zones, pc(dn.validatingPercent)),
        },
        {
          label: t.fields.validationStates,
          value: [dn.secure, dn.insecure, dn.bogus, dn.indeterminate, dn.unknown]
            .map(n)
            .join(' / '),
        },
        { label: t.fields.expiringSoon, value: n(dn.expiringSoon) },
        { label: t.fields.downMinutes, value: formatMinutes(dn.downMinutes, lang) },
      ],
    },
    { kind: 'subheading', text: t.sub.dnssecUnits },
    report.dnssec.perUnit.length
      ? {
          kind: 'table',
          columns: [
            { header: t.columns.unit, width: 3 },
            { header: t.columns.zones, width: 0.8, align: 'right' },
            { header: t.columns.signed, width: 0.8, align: 'right' },
            { header: t.columns.validating, width: 1, align: 'right' },
            { header: t.columns.bogus, width: 0.9, align: 'right' },
            { header: t.columns.downMinutes, width: 1.2, align: 'right' },
          ],
          rows: report.dnssec.perUnit.map((u) => [
            unitName(u.unitId, u.unitCode, u.unitName),
            n(u.zones),
            n(u.signed),
            n(u.validating),
            n(u.bogus),
            formatMinutes(u.downMinutes, lang),
          ]),
        }
      : { kind: 'paragraph', text: t.values.none },
    { kind: 'subheading', text: t.sub.dnssecAttention },
    ...cappedTable(
      [
        { header: t.columns.unit, width: 2.2 },
        { header: t.columns.hostname, width: 2.2 },
        { header: t.columns.validation, width: 1.2 },
        { header: t.columns.validPct, width: 1, align: 'right' },
        { header: t.columns.expiry, width: 0.9, align: 'right' },
        { header: t.columns.warnings, width: 1.8 },
      ],
      attentionRows,
      'dnssec-zones',
    ),
  ]);

  // 4. Availability / SLA.
  const below = report.availability.services.filter((s) => s.meetsTarget === false);
  const belowRows = below.map((s) => [
    unitName(s.unitId, s.unitCode),
    s.hostname,
    t.values.criticality[s.criticality],
    pc(s.targetPercent),
    pc(s.uptimePercent),
    formatMinutes(s.downtimeMinutes, lang),
  ]);
  const circuitRows = report.availability.circuits.map((c) => [
    c.provider,
    c.cid,
    c.unitId ? unitName(c.unitId, c.unitCode) : t.values.noUnit,
    pc(c.slaTargetPercent),
    pc(c.uptimePercent),
    formatMinutes(c.downtimeMinutes, lang),
    yesNo(c.meetsSla),
  ]);
  section('availability', t.sections.availability, [
    { kind: 'paragraph', text: t.text.availabilityMethod },
    {
      kind: 'keyValues',
      rows: [
        { label: t.fields.meanUptime, value: pc(av.meanUptimePercent) },
        {
          label: t.fields.servicesMeetingTarget,
          value: `${n(av.servicesMeetingTarget)} / ${n(av.servicesWithData)} (${n(av.services)})`,
        },
        { label: t.fields.downtime, value: formatMinutes(av.downtimeMinutes, lang) },
        {
          label: t.fields.circuitsSla,
          value: `${n(av.circuitsMeetingSla)} / ${n(av.circuitsBreachingSla)} (${n(av.circuits)})`,
        },
      ],
    },
    { kind: 'subheading', text: t.sub.servicesBelowTarget },
    ...cappedTable(
      [
        { header: t.columns.unit, width: 2.2 },
        { header: t.columns.hostname, width: 2.2 },
        { header: t.columns.criticality, width: 1.1 },
        { header: t.columns.target, width: 0.9, align: 'right' },
        { header: t.columns.uptime, width: 1, align: 'right' },
        { header: t.columns.downtime, width: 1.1, align: 'right' },
      ],
      belowRows,
      'availability-services',
    ),
    { kind: 'subheading', text: t.sub.circuits },
    ...cappedTable(
      [
        { header: t.columns.provider, width: 1.1 },
        { header: t.columns.circuit, width: 1.3 },
        { header: t.columns.unit, width: 2.2 },
        { header: t.columns.sla, width: 0.9, align: 'right' },
        { header: t.columns.uptime, width: 1, align: 'right' },
        { header: t.columns.downtime, width: 1.1, align: 'right' },
        { header: t.columns.meetsSla, width: 0.8 },
      ],
      circuitRows,
      'availability-circuits',
    ),
    { kind: 'subheading', text: t.sub.providers },
    report.availability.providers.length
      ? {
          kind: 'table',
          columns: [
            { header: t.columns.provider, width: 1.4 },
            { header: t.columns.circuits, width: 0.8, align: 'right' },
            { header: t.columns.meeting, width: 0.8, align: 'right' },
            { header: t.columns.breaching, width: 0.9, align: 'right' },
            { header: t.columns.sla, width: 1.2, align: 'right' },
            { header: t.columns.meanUptime, width: 1, align: 'right' },
            { header: t.columns.minUptime, width: 1, align: 'right' },
            { header: t.columns.downtime, width: 1.1, align: 'right' },
          ],
          rows: report.availability.providers.map((p) => [
            p.provider,
            n(p.circuits),
            n(p.meetingSla),
            n(p.breachingSla),
            p.slaTargetsPercent.map(pc).join(', ') || DASH,
            pc(p.meanUptimePercent),
            pc(p.minUptimePercent),
            formatMinutes(p.downtimeMinutes, lang),
          ]),
        }
      : { kind: 'paragraph', text: t.values.none },
  ]);

  // 5. Incidents.
  const categories = Object.entries(inc.byCategory) as [keyof typeof t.values.category, number][];
  section('incidents', t.sections.incidents, [
    {
      kind: 'keyValues',
      rows: [
        { label: t.fields.incidentsTotal, value: `${n(inc.total)} (${n(inc.previousTotal)})` },
        {
          label: t.fields.mtta,
          value: `${formatSeconds(inc.mtta.averageSeconds, lang)} / ${formatSeconds(inc.mtta.medianSeconds, lang)} (${n(inc.mtta.count)})`,
        },
        {
          label: t.fields.mttr,
          value: `${formatSeconds(inc.mttr.averageSeconds, lang)} / ${formatSeconds(inc.mttr.medianSeconds, lang)} (${n(inc.mttr.count)})`,
        },
      ],
    },
    { kind: 'subheading', text: `${t.sub.bySeverity} · ${t.sub.byCategory}` },
    {
      kind: 'table',
      columns: [
        { header: t.columns.severity, width: 2 },
        { header: t.columns.count, width: 0.8, align: 'right' },
        { header: t.columns.category, width: 2.6 },
        { header: t.columns.count, width: 0.8, align: 'right' },
      ],
      rows: Array.from({ length: Math.max(4, categories.length) }, (_, i) => {
        const level = (i + 1) as 1 | 2 | 3 | 4;
        const cat = categories[i];
        return [
          i < 4 ? `${level}. ${t.values.severity[level]}` : '',
          i < 4 ? n(inc.bySeverity[String(level) as '1' | '2' | '3' | '4']) : '',
          cat ? t.values.category[cat[0]] : '',
          cat ? n(cat[1]) : '',
        ];
      }),
    },
    { kind: 'subheading', text: t.sub.byUnit },
    inc.byUnit.length
      ? {
          kind: 'table',
          columns: [
            { header: t.columns.unit, width: 4 },
            { header: t.columns.count, width: 1, align: 'right' },
          ],
          rows: inc.byUnit.map((u) => [unitName(u.unitId, u.unitCode), n(u.incidents)]),
        }
      : { kind: 'paragraph', text: t.values.none },
    { kind: 'subheading', text: t.sub.longest },
    inc.longest.length
      ? {
          kind: 'table',
          columns: [
            { header: t.columns.number, width: 0.6, align: 'right' },
            { header: t.columns.incidentTitle, width: 3 },
            { header: t.columns.severity, width: 1.1 },
            { header: t.columns.unit, width: 1.8 },
            { header: t.columns.openedAt, width: 1.3 },
            { header: t.columns.duration, width: 1.4 },
          ],
          rows: inc.longest.map((i) => [
            `#${i.number}`,
            i.title,
            t.values.severity[i.severity as 1 | 2 | 3 | 4] ?? String(i.severity),
            i.unitId ? unitName(i.unitId, i.unitCode) : t.values.noUnit,
            i.openedAt ? formatDateTime(i.openedAt, lang) : DASH,
            `${formatSeconds(i.durationSeconds, lang)}${i.ongoing ? ` (${t.values.ongoing})` : ''}`,
          ]),
        }
      : { kind: 'paragraph', text: t.values.none },
  ]);

  // 6. Scorecard.
  const w = report.scorecard.weights;
  const scored = report.scorecard.units.filter((u) => u.subtreeScore !== null);
  section('scorecard', t.sections.scorecard, [
    { kind: 'paragraph', text: t.text.scorecardMethod },
    {
      kind: 'keyValues',
      rows: [
        {
          label: t.fields.weights,
          value: `${t.columns.ipv6} ${n(w.ipv6)} · ${t.columns.dnssec} ${n(w.dnssec)} · ${t.columns.availability} ${n(w.availability)} · ${t.columns.incidents} ${n(w.incidents)}`,
        },
      ],
    },
    {
      kind: 'bars',
      chart: {
        title: t.charts.scoreByUnit,
        categories: scored.map((u) => unitName(u.unitId, u.unitCode)),
        series: [
          {
            name: t.charts.thisPeriod,
            colour: CHART_SERIES_COLOURS.current,
            values: scored.map((u) => u.subtreeScore),
          },
          {
            name: t.charts.previousPeriod,
            colour: CHART_SERIES_COLOURS.previous,
            values: scored.map((u) => u.previousSubtreeScore),
          },
        ],
        max: 100,
        format: (v) => n(v),
      },
    },
    { kind: 'subheading', text: t.sub.scoreTable },
    {
      kind: 'table',
      columns: [
        { header: t.columns.unit, width: 2.4 },
        { header: t.columns.ipv6, width: 0.8, align: 'right' },
        { header: t.columns.dnssec, width: 1.1, align: 'right' },
        { header: t.columns.availability, width: 1, align: 'right' },
        { header: t.columns.incidents, width: 0.8, align: 'right' },
        { header: t.columns.score, width: 0.8, align: 'right' },
        { header: t.columns.subtreeScore, width: 1, align: 'right' },
        { header: t.columns.previousScore, width: 0.9, align: 'right' },
        { header: t.columns.change, width: 0.9, align: 'right' },
      ],
      rows: report.scorecard.units.map((u) => [
        unitName(u.unitId, u.unitCode),
        n(u.components.ipv6),
        n(u.components.dnssec),
        n(u.components.availability),
        n(u.components.incidents),
        n(u.score),
        n(u.subtreeScore),
        n(u.previousSubtreeScore),
        ch(u.subtreeScoreChange),
      ]),
      indent: report.scorecard.units.map((u) => u.depth),
    },
  ]);

  // 7. Trend.
  const points = report.trend.points;
  const pointLabel = (p: (typeof points)[number]) => formatPeriod(p.from, p.to, lang);
  section('trend', t.sections.trend, [
    { kind: 'paragraph', text: t.text.trendMethod(report.trend.periods) },
    {
      kind: 'line',
      chart: {
        title: t.charts.trend,
        labels: points.map((p) =>
          // Short axis labels: the period's first day (whole months and days read best so).
          formatDate(p.from, lang),
        ),
        series: [
          {
            name: t.charts.availability,
            colour: CHART_SERIES_COLOURS.availability,
            values: points.map((p) => p.availabilityPercent),
          },
          {
            name: t.charts.ipv6Operational,
            colour: CHART_SERIES_COLOURS.ipv6,
            values: points.map((p) => p.ipv6OperationalPercent),
          },
        ],
        min: 0,
        max: 100,
        format: percentFormat,
      },
    },
    { kind: 'subheading', text: t.sub.trendTable },
    {
      kind: 'table',
      columns: [
        { header: t.columns.period, width: 3 },
        { header: t.columns.availabilityPct, width: 1.4, align: 'right' },
        { header: t.columns.ipv6OperationalPct, width: 1.6, align: 'right' },
      ],
      rows: points.map((p) => [
        pointLabel(p),
        pc(p.availabilityPercent),
        p.ipv6Items
          ? t.text.ofTotal(p.ipv6Operational, p.ipv6Items, pc(p.ipv6OperationalPercent))
          : DASH,
      ]),
    },
  ]);

  return {
    lang,
    letterhead: [organisation.managingBody, organisation.name],
    title: t.title,
    subtitle: t.text.subtitle(period, scope),
    metaTitle: `${t.title}: ${scope}, ${period}`,
    footer: t.text.footer(period),
    generatedAt: new Date(report.generatedAt),
    sections: sections.map((s, i) => ({ ...s, title: `${i + 1}. ${titles[i]}` })),
  };
}
