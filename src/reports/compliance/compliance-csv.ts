import { stringify } from 'csv-stringify/sync';
import type { ComplianceReport } from './compliance-report';

/**
 * The compliance report as CSV, one file per section. Deterministic bytes: the rows come from the
 * report in its own (total) order, numbers are written as JavaScript prints them (dot decimal
 * separator, no thousands separator), booleans as true/false, null as an empty field, lists
 * joined by a space.
 *
 * UTF-8 with a byte order mark and CRLF line ends: Excel (the tool the units use) reads a CSV
 * without BOM in the ANSI code page and garbles Vietnamese diacritics; with the BOM it opens as
 * UTF-8. LibreOffice, Python's csv (encoding='utf-8-sig') and csv-parse (bom: true) all accept
 * it. Header labels are in the requested language; the values are not translated.
 */

export type Lang = 'vi' | 'en';
type Value = string | number | boolean | null | undefined | readonly (string | number)[];
interface Column<T> {
  en: string;
  vi: string;
  value: (row: T) => Value;
}

type R = ComplianceReport;
type GridRow = R['ipv6']['grid'][number];

const gridColumns = (): Column<GridRow>[] => {
  const cols: Column<GridRow>[] = [
    { en: 'unit_code', vi: 'ma_don_vi', value: (r) => r.unitCode },
    { en: 'unit_name', vi: 'ten_don_vi', value: (r) => r.unitName },
  ];
  const names = { web: 'web', mail: 'thu_dien_tu', dns: 'dns', all: 'tong' } as const;
  for (const f of ['web', 'mail', 'dns', 'all'] as const) {
    cols.push(
      { en: `${f}_services`, vi: `${names[f]}_so_dich_vu`, value: (r) => r[f].services },
      { en: `${f}_assigned`, vi: `${names[f]}_co_aaaa`, value: (r) => r[f].assigned },
      { en: `${f}_operational`, vi: `${names[f]}_hoat_dong`, value: (r) => r[f].operational },
      {
        en: `${f}_assigned_pct`,
        vi: `${names[f]}_ty_le_co_aaaa`,
        value: (r) => r[f].assignedPercent,
      },
      {
        en: `${f}_operational_pct`,
        vi: `${names[f]}_ty_le_hoat_dong`,
        value: (r) => r[f].operationalPercent,
      },
    );
  }
  cols.push(
    {
      en: 'previous_operational_pct',
      vi: 'ty_le_hoat_dong_ky_truoc',
      value: (r) => r.previousOperationalPercent,
    },
    { en: 'change_pp', vi: 'thay_doi_diem_pt', value: (r) => r.operationalPercentChange },
  );
  return cols;
};

interface Section<T> {
  rows: (r: R) => T[];
  columns: Column<T>[];
}

function section<T>(rows: (r: R) => T[], columns: Column<T>[]): Section<unknown> {
  return { rows, columns } as unknown as Section<unknown>;
}

export const CSV_SECTIONS = {
  'ipv6-grid': section((r) => r.ipv6.grid, gridColumns()),
  'ipv6-ranking': section(
    (r) => r.ipv6.ranking,
    [
      { en: 'rank', vi: 'hang', value: (x) => x.rank },
      { en: 'unit_code', vi: 'ma_don_vi', value: (x) => x.unitCode },
      { en: 'unit_name', vi: 'ten_don_vi', value: (x) => x.unitName },
      { en: 'services', vi: 'so_dich_vu', value: (x) => x.services },
      { en: 'operational_pct', vi: 'ty_le_hoat_dong', value: (x) => x.operationalPercent },
      {
        en: 'previous_operational_pct',
        vi: 'ty_le_hoat_dong_ky_truoc',
        value: (x) => x.previousOperationalPercent,
      },
      { en: 'change_pp', vi: 'thay_doi_diem_pt', value: (x) => x.operationalPercentChange },
    ],
  ),
  'ipv6-services': section(
    (r) => r.ipv6.services,
    [
      { en: 'unit_code', vi: 'ma_don_vi', value: (x) => x.unitCode },
      { en: 'hostname', vi: 'ten_mien', value: (x) => x.hostname },
      { en: 'service_kind', vi: 'loai_dich_vu', value: (x) => x.serviceKind },
      { en: 'family', vi: 'nhom', value: (x) => x.family },
      { en: 'ipv6_required', vi: 'bat_buoc_ipv6', value: (x) => x.ipv6Required },
      { en: 'assigned', vi: 'co_aaaa', value: (x) => x.assigned },
      { en: 'assigned_source', vi: 'nguon_aaaa', value: (x) => x.assignedSource },
      { en: 'operational_pct', vi: 'ty_le_hoat_dong', value: (x) => x.operationalPercent },
      { en: 'judged_results', vi: 'so_ket_qua', value: (x) => x.judgedResults },
      { en: 'operational', vi: 'hoat_dong', value: (x) => x.operational },
    ],
  ),
  'dnssec-zones': section(
    (r) => r.dnssec.zones,
    [
      { en: 'unit_code', vi: 'ma_don_vi', value: (x) => x.unitCode },
      { en: 'hostname', vi: 'ten_mien', value: (x) => x.hostname },
      { en: 'service_kind', vi: 'loai_dich_vu', value: (x) => x.serviceKind },
      { en: 'dnssec_required', vi: 'bat_buoc_dnssec', value: (x) => x.dnssecRequired },
      { en: 'validation', vi: 'trang_thai_xac_thuc', value: (x) => x.validation },
      { en: 'signed', vi: 'da_ky', value: (x) => x.signed },
      { en: 'validating', vi: 'xac_thuc_dung', value: (x) => x.validating },
      { en: 'valid_pct', vi: 'ty_le_hop_le', value: (x) => x.validPercent },
      { en: 'down_minutes', vi: 'so_phut_loi', value: (x) => x.downMinutes },
      { en: 'algorithms', vi: 'thuat_toan', value: (x) => x.algorithms },
      { en: 'warnings', vi: 'canh_bao', value: (x) => x.warnings },
      { en: 'days_to_expiry', vi: 'so_ngay_con_han', value: (x) => x.daysToExpiry },
      { en: 'earliest_expiry', vi: 'het_han_som_nhat', value: (x) => x.earliestExpiry },
      { en: 'observed_at', vi: 'thoi_diem_quan_sat', value: (x) => x.observedAt },
    ],
  ),
  'dnssec-units': section(
    (r) => r.dnssec.perUnit,
    [
      { en: 'unit_code', vi: 'ma_don_vi', value: (x) => x.unitCode },
      { en: 'unit_name', vi: 'ten_don_vi', value: (x) => x.unitName },
      { en: 'zones', vi: 'so_vung', value: (x) => x.zones },
      { en: 'signed', vi: 'da_ky', value: (x) => x.signed },
      { en: 'validating', vi: 'xac_thuc_dung', value: (x) => x.validating },
      { en: 'bogus', vi: 'loi_xac_thuc', value: (x) => x.bogus },
      { en: 'down_minutes', vi: 'so_phut_loi', value: (x) => x.downMinutes },
    ],
  ),
  'availability-services': section(
    (r) => r.availability.services,
    [
      { en: 'unit_code', vi: 'ma_don_vi', value: (x) => x.unitCode },
      { en: 'hostname', vi: 'ten_mien', value: (x) => x.hostname },
      { en: 'service_kind', vi: 'loai_dich_vu', value: (x) => x.serviceKind },
      { en: 'criticality', vi: 'muc_quan_trong', value: (x) => x.criticality },
      { en: 'checks', vi: 'so_kiem_tra', value: (x) => x.checks },
      { en: 'target_pct', vi: 'muc_tieu', value: (x) => x.targetPercent },
      { en: 'uptime_pct', vi: 'ty_le_hoat_dong', value: (x) => x.uptimePercent },
      { en: 'downtime_minutes', vi: 'so_phut_gian_doan', value: (x) => x.downtimeMinutes },
      { en: 'observed_minutes', vi: 'so_phut_quan_sat', value: (x) => x.observedMinutes },
      { en: 'meets_target', vi: 'dat_muc_tieu', value: (x) => x.meetsTarget },
    ],
  ),
  'availability-circuits': section(
    (r) => r.availability.circuits,
    [
      { en: 'provider', vi: 'nha_cung_cap', value: (x) => x.provider },
      { en: 'cid', vi: 'ma_kenh', value: (x) => x.cid },
      { en: 'type', vi: 'loai', value: (x) => x.type },
      { en: 'unit_code', vi: 'ma_don_vi', value: (x) => x.unitCode },
      { en: 'checks', vi: 'so_kiem_tra', value: (x) => x.checks },
      { en: 'sla_target_pct', vi: 'sla_cam_ket', value: (x) => x.slaTargetPercent },
      { en: 'uptime_pct', vi: 'ty_le_hoat_dong', value: (x) => x.uptimePercent },
      { en: 'downtime_minutes', vi: 'so_phut_gian_doan', value: (x) => x.downtimeMinutes },
      { en: 'meets_sla', vi: 'dat_sla', value: (x) => x.meetsSla },
    ],
  ),
  'availability-providers': section(
    (r) => r.availability.providers,
    [
      { en: 'provider', vi: 'nha_cung_cap', value: (x) => x.provider },
      { en: 'circuits', vi: 'so_kenh', value: (x) => x.circuits },
      { en: 'with_data', vi: 'co_du_lieu', value: (x) => x.withData },
      { en: 'with_sla_target', vi: 'co_sla', value: (x) => x.withSlaTarget },
      { en: 'meeting_sla', vi: 'dat_sla', value: (x) => x.meetingSla },
      { en: 'breaching_sla', vi: 'vi_pham_sla', value: (x) => x.breachingSla },
      { en: 'sla_targets_pct', vi: 'muc_sla', value: (x) => x.slaTargetsPercent },
      { en: 'mean_uptime_pct', vi: 'ty_le_hoat_dong_tb', value: (x) => x.meanUptimePercent },
      { en: 'min_uptime_pct', vi: 'ty_le_hoat_dong_thap_nhat', value: (x) => x.minUptimePercent },
      { en: 'downtime_minutes', vi: 'so_phut_gian_doan', value: (x) => x.downtimeMinutes },
    ],
  ),
  'incidents-summary': section(
    (r) => {
      const i = r.incidents;
      const rows: { metric: string; value: number | null }[] = [
        { metric: 'total', value: i.total },
        { metric: 'previous_total', value: i.previousTotal },
        ...Object.entries(i.bySeverity).map(([k, v]) => ({ metric: `severity_${k}`, value: v })),
        ...Object.entries(i.byCategory).map(([k, v]) => ({ metric: `category_${k}`, value: v })),
        { metric: 'mtta_count', value: i.mtta.count },
        { metric: 'mtta_average_seconds', value: i.mtta.averageSeconds },
        { metric: 'mtta_median_seconds', value: i.mtta.medianSeconds },
        { metric: 'mttr_count', value: i.mttr.count },
        { metric: 'mttr_average_seconds', value: i.mttr.averageSeconds },
        { metric: 'mttr_median_seconds', value: i.mttr.medianSeconds },
      ];
      return rows;
    },
    [
      { en: 'metric', vi: 'chi_so', value: (x) => x.metric },
      { en: 'value', vi: 'gia_tri', value: (x) => x.value },
    ],
  ),
  'incidents-by-unit': section(
    (r) => r.incidents.byUnit,
    [
      { en: 'unit_code', vi: 'ma_don_vi', value: (x) => x.unitCode },
      { en: 'incidents', vi: 'so_su_co', value: (x) => x.incidents },
    ],
  ),
  'incidents-longest': section(
    (r) => r.incidents.longest,
    [
      { en: 'number', vi: 'so', value: (x) => x.number },
      { en: 'title', vi: 'tieu_de', value: (x) => x.title },
      { en: 'severity', vi: 'muc_do', value: (x) => x.severity },
      { en: 'category', vi: 'phan_loai', value: (x) => x.category },
      { en: 'status', vi: 'trang_thai', value: (x) => x.status },
      { en: 'unit_code', vi: 'ma_don_vi', value: (x) => x.unitCode },
      { en: 'opened_at', vi: 'mo_luc', value: (x) => x.openedAt },
      { en: 'acknowledged_at', vi: 'tiep_nhan_luc', value: (x) => x.acknowledgedAt },
      { en: 'resolved_at', vi: 'khac_phuc_luc', value: (x) => x.resolvedAt },
      { en: 'ongoing', vi: 'dang_dien_ra', value: (x) => x.ongoing },
      { en: 'duration_seconds', vi: 'thoi_gian_giay', value: (x) => x.durationSeconds },
    ],
  ),
  scorecard: section(
    (r) => r.scorecard.units,
    [
      { en: 'unit_code', vi: 'ma_don_vi', value: (x) => x.unitCode },
      { en: 'unit_name', vi: 'ten_don_vi', value: (x) => x.unitName },
      { en: 'depth', vi: 'cap', value: (x) => x.depth },
      { en: 'services', vi: 'so_dich_vu', value: (x) => x.services },
      { en: 'subtree_services', vi: 'so_dich_vu_ca_cay', value: (x) => x.subtreeServices },
      { en: 'ipv6', vi: 'ipv6', value: (x) => x.components.ipv6 },
      { en: 'dnssec', vi: 'dnssec', value: (x) => x.components.dnssec },
      { en: 'availability', vi: 'kha_dung', value: (x) => x.components.availability },
      { en: 'incidents', vi: 'su_co', value: (x) => x.components.incidents },
      { en: 'score', vi: 'diem', value: (x) => x.score },
      { en: 'subtree_score', vi: 'diem_ca_cay', value: (x) => x.subtreeScore },
      { en: 'previous_score', vi: 'diem_ky_truoc', value: (x) => x.previousScore },
      {
        en: 'previous_subtree_score',
        vi: 'diem_ca_cay_ky_truoc',
        value: (x) => x.previousSubtreeScore,
      },
      { en: 'subtree_score_change', vi: 'thay_doi', value: (x) => x.subtreeScoreChange },
    ],
  ),
} satisfies Record<string, Section<unknown>>;

export type CsvSection = keyof typeof CSV_SECTIONS;
export const CSV_SECTION_NAMES = Object.keys(CSV_SECTIONS) as CsvSection[];

function isList(v: Value): v is readonly (string | number)[] {
  return Array.isArray(v);
}

function cell(v: Value): string {
  if (v === null || v === undefined) return '';
  if (isList(v)) return v.join(' ');
  return String(v);
}

/** The rows of one section as plain objects keyed by the English column names (for JSON). */
export function sectionRows(
  report: R,
  name: CsvSection,
): Record<string, string | number | boolean | null>[] {
  const s = CSV_SECTIONS[name] as Section<unknown>;
  return s.rows(report).map((row) =>
    Object.fromEntries(
      s.columns.map((c) => {
        const v = c.value(row);
        return [c.en, isList(v) ? v.join(' ') : (v ?? null)];
      }),
    ),
  );
}

/** One section as CSV bytes (UTF-8 with BOM, CRLF). */
export function complianceCsv(report: R, name: CsvSection, lang: Lang = 'vi'): Buffer {
  const s = CSV_SECTIONS[name] as Section<unknown>;
  const records = [
    s.columns.map((c) => c[lang]),
    ...s.rows(report).map((row) => s.columns.map((c) => cell(c.value(row)))),
  ];
  return Buffer.from(`\uFEFF${stringify(records, { record_delimiter: '\r\n' })}`, 'utf8');
}
