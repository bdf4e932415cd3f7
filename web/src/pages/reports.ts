import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, download, Page } from '../lib/api';
import { fmtDateTime, fmtNumber } from '../lib/format';
import { html } from '../lib/html';
import { useApi } from '../lib/hooks';
import { lang, messages } from '../lib/i18n';
import { can, useMe } from '../lib/session';
import { Card, Empty, ErrorBox, Loading, Pager } from '../components/ui';
import {
  Confirmation,
  FieldError,
  fieldProblems,
  vnDay,
  vnDayAfterStart,
  vnDayStart,
} from '../components/incident-fields';
import { UnitRef, UnitSelect, useUnits } from '../components/incident-units';

const t = messages({
  vi: {
    title: 'Báo cáo',
    runs: 'Báo cáo đã tạo',
    runsCaption: 'Các lần tạo báo cáo tuân thủ, mới nhất trước',
    started: 'Bắt đầu',
    period: 'Kỳ báo cáo',
    unit: 'Đơn vị',
    province: 'Toàn tỉnh',
    source: 'Nguồn',
    onDemand: 'Theo yêu cầu ({who})',
    schedule: 'Lịch “{name}”',
    status: 'Trạng thái',
    running: 'Đang tạo',
    succeeded: 'Thành công',
    failed: 'Thất bại',
    files: 'Tệp',
    showFiles: 'Xem tệp',
    hideFiles: 'Ẩn tệp',
    filesOf: 'Tệp của lần tạo {when}',
    name: 'Tên tệp',
    scheduleName: 'Tên lịch',
    format: 'Định dạng',
    language: 'Ngôn ngữ',
    size: 'Kích thước',
    download: 'Tải',
    downloadName: 'Tải {name}',
    downloaded: 'Đã tải {name}.',
    noRuns: 'Chưa có báo cáo nào được tạo.',
    noFiles: 'Lần tạo này không có tệp.',
    allStatuses: 'Mọi trạng thái',
    schedules: 'Lịch tạo báo cáo tự động',
    schedulesCaption: 'Lịch tạo báo cáo và lần chạy kế tiếp',
    cron: 'Lịch (cron, giờ Việt Nam)',
    periodKind: 'Kỳ',
    previous_month: 'Tháng trước',
    previous_quarter: 'Quý trước',
    languages: 'Ngôn ngữ',
    formats: 'Định dạng',
    email: 'Gửi thư',
    lastSlot: 'Lần gần nhất',
    nextRun: 'Lần kế tiếp',
    noSchedules: 'Không có lịch nào.',
    generate: 'Tạo báo cáo ngay',
    from: 'Từ ngày',
    to: 'Đến hết ngày',
    periodHint: 'Theo giờ Việt Nam; mặc định là tháng trước.',
    langVi: 'Tiếng Việt',
    langEn: 'Tiếng Anh',
    generateSubmit: 'Tạo báo cáo',
    generating: 'Đang tạo báo cáo… (dựng số liệu rồi xuất từng tệp)',
    generated: 'Đã tạo báo cáo: {n} tệp.',
    generateFailed: 'Tạo báo cáo thất bại: {error}',
    pickOne: 'Chọn ít nhất một mục.',
    onDemandTitle: 'Tải báo cáo tuân thủ (không lưu)',
    section: 'Bảng (với CSV)',
    onDemandSubmit: 'Tải báo cáo',
    preparing: 'Đang chuẩn bị tệp…',
    sha: 'SHA-256',
    yes: 'có',
    no: 'không',
    readOnly: 'Bạn chỉ có quyền xem và tải báo cáo.',
  },
  en: {
    title: 'Reports',
    runs: 'Generated reports',
    runsCaption: 'Compliance report runs, newest first',
    started: 'Started',
    period: 'Period',
    unit: 'Unit',
    province: 'Whole province',
    source: 'Source',
    onDemand: 'On demand ({who})',
    schedule: 'Schedule “{name}”',
    status: 'Status',
    running: 'Running',
    succeeded: 'Succeeded',
    failed: 'Failed',
    files: 'Files',
    showFiles: 'Show files',
    hideFiles: 'Hide files',
    filesOf: 'Files of the run started {when}',
    name: 'File name',
    scheduleName: 'Name',
    format: 'Format',
    language: 'Language',
    size: 'Size',
    download: 'Download',
    downloadName: 'Download {name}',
    downloaded: 'Downloaded {name}.',
    noRuns: 'No report has been generated yet.',
    noFiles: 'This run has no files.',
    allStatuses: 'All statuses',
    schedules: 'Report schedules',
    schedulesCaption: 'Report schedules and their next run',
    cron: 'Schedule (cron, Vietnam time)',
    periodKind: 'Period',
    previous_month: 'Previous month',
    previous_quarter: 'Previous quarter',
    languages: 'Languages',
    formats: 'Formats',
    email: 'E-mail',
    lastSlot: 'Last slot',
    nextRun: 'Next run',
    noSchedules: 'No schedules.',
    generate: 'Generate a report now',
    from: 'From',
    to: 'To (inclusive)',
    periodHint: 'Vietnam time; the default is last month.',
    langVi: 'Vietnamese',
    langEn: 'English',
    generateSubmit: 'Generate',
    generating: 'Generating the report… (building the figures, then each file)',
    generated: 'Report generated: {n} files.',
    generateFailed: 'The report failed: {error}',
    pickOne: 'Choose at least one.',
    onDemandTitle: 'Download a compliance report (not stored)',
    section: 'Table (with CSV)',
    onDemandSubmit: 'Download report',
    preparing: 'Preparing the file…',
    sha: 'SHA-256',
    yes: 'yes',
    no: 'no',
    readOnly: 'You may view and download reports only.',
  },
});

const FORMATS = ['pdf', 'html', 'json', 'csv'] as const;
type Format = (typeof FORMATS)[number];
const LANGS = ['vi', 'en'] as const;
type ReportLang = (typeof LANGS)[number];
/** The compliance report's CSV tables (src/reports/compliance/compliance-csv.ts). */
const CSV_SECTIONS = [
  'ipv6-grid',
  'ipv6-ranking',
  'ipv6-services',
  'dnssec-zones',
  'dnssec-units',
  'availability-services',
  'availability-circuits',
  'availability-providers',
  'incidents-summary',
  'incidents-by-unit',
  'incidents-longest',
  'scorecard',
] as const;

interface ReportFile {
  name: string;
  format: Format;
  lang: ReportLang;
  contentType: string;
  size: number;
  sha256: string;
}

interface ReportRun {
  id: string;
  scheduleName: string | null;
  periodFrom: string;
  periodTo: string;
  unitId: string | null;
  parameters: { unit?: string | null; languages?: string[]; formats?: string[] };
  status: 'running' | 'succeeded' | 'failed';
  error: string | null;
  requestedBy: string;
  startedAt: string;
  finishedAt: string | null;
  files?: ReportFile[];
}

interface Schedule {
  name: string;
  cron: string;
  period: 'previous_month' | 'previous_quarter';
  unit: string | null;
  languages: string[];
  formats: string[];
  email: { channel: string; to: string[] };
  lastSlot: string | null;
  nextRun: string | null;
}

const PAGE = 10;

const langName = (l: string) => (l === 'vi' ? t('langVi') : l === 'en' ? t('langEn') : l);

function fmtBytes(n: number): string {
  if (n < 1024) return `${fmtNumber(n)} B`;
  if (n < 1024 * 1024) return `${fmtNumber(n / 1024, 1)} KiB`;
  return `${fmtNumber(n / 1024 / 1024, 1)} MiB`;
}

/** The period as local days, the end inclusive (runs store [from, to) instants). */
function periodText(from: string, to: string): string {
  const last = new Date(new Date(to).getTime() - 1);
  return `${vnDay(new Date(from))} → ${vnDay(last)}`;
}

function runStatusBadge(status: ReportRun['status']) {
  const cls = status === 'succeeded' ? 'state-up' : status === 'failed' ? 'state-down' : '';
  return html`<span class=${`badge ${cls}`}>${t(status)}</span>`;
}

/** The last complete calendar month in Vietnam, as the form's default. */
function lastMonth(): { from: string; to: string } {
  const today = vnDay(new Date());
  const [y, m] = today.split('-').map(Number);
  const first = new Date(Date.UTC(y, m - 2, 1));
  const last = new Date(Date.UTC(y, m - 1, 0));
  return { from: first.toISOString().slice(0, 10), to: last.toISOString().slice(0, 10) };
}

/** Builds `{from, to}` for the API from two local days, or field problems. */
function periodBody(from: string, to: string): Record<string, string> {
  if (!from && !to) return {};
  const body: Record<string, string> = {};
  // Whatever is missing or malformed goes as is: the API names the field.
  body.from = vnDayStart(from) ?? from;
  body.to = vnDayAfterStart(to) ?? to;
  return body;
}

function FileTable({ run, onDownload }: { run: ReportRun; onDownload: (f: ReportFile) => void }) {
  const detail = useApi<ReportRun>(`/api/reports/runs/${run.id}`);
  if (detail.error) return html`<${ErrorBox} error=${detail.error} />`;
  if (!detail.data) return html`<${Loading} />`;
  const files = detail.data.files ?? [];
  if (!files.length) return html`<${Empty}>${t('noFiles')}</${Empty}>`;
  return html`<table class="inc-files inc-stack">
    <caption class="visually-hidden">
      ${t('filesOf', { when: fmtDateTime(run.startedAt) })}
    </caption>
    <thead>
      <tr>
        <th scope="col">${t('name')}</th>
        <th scope="col">${t('format')}</th>
        <th scope="col">${t('language')}</th>
        <th scope="col" class="num">${t('size')}</th>
        <th scope="col">${t('sha')}</th>
        <th scope="col"><span class="visually-hidden">${t('download')}</span></th>
      </tr>
    </thead>
    <tbody>
      ${files.map(
        (f) =>
          html`<tr key=${f.name}>
            <td class="inc-c-title"><code>${f.name}</code></td>
            <td>${f.format.toUpperCase()}</td>
            <td>${langName(f.lang)}</td>
            <td class="num">${fmtBytes(f.size)}</td>
            <td data-label=${t('sha')}><code class="inc-sha">${f.sha256}</code></td>
            <td>
              <button
                type="button"
                data-testid="report-download"
                aria-label=${t('downloadName', { name: f.name })}
                onClick=${() => onDownload(f)}
              >
                ⤓ ${t('download')}
              </button>
            </td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function RunsCard({
  byId,
  expanded,
  setExpanded,
  reloadKey,
}: {
  byId: Map<string, UnitRef>;
  /** null: nobody chose yet (the newest run is open). */
  expanded: Set<string> | null;
  setExpanded: (s: Set<string>) => void;
  reloadKey: number;
}) {
  const [offset, setOffset] = useState(0);
  const [status, setStatus] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const runs = useApi<Page<ReportRun>>('/api/reports/runs', {
    limit: PAGE,
    offset,
    status,
  });
  // A new run (generated from the form) re-reads the list.
  useEffect(() => {
    if (reloadKey > 0) runs.reload();
  }, [reloadKey]);

  // Until someone opens or closes a run, the newest one shows its files.
  const firstId = offset === 0 ? runs.data?.items[0]?.id : undefined;
  const isOpen = (id: string) => (expanded ? expanded.has(id) : id === firstId);
  const toggle = (id: string) => {
    const next = new Set(expanded ?? (firstId ? [firstId] : []));
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setExpanded(next);
  };
  const get = async (run: ReportRun, f: ReportFile) => {
    setDone(null);
    setError(null);
    try {
      await download(`/api/reports/runs/${run.id}/files/${encodeURIComponent(f.name)}`, f.name);
      setDone(t('downloaded', { name: f.name }));
    } catch (err) {
      setError(toError(err));
    }
  };

  return html`<${Card}
    title=${t('runs')}
    actions=${html`<div class="inc-inline">
      <label for="runs-status" class="visually-hidden">${t('status')}</label>
      <select
        id="runs-status"
        value=${status}
        onChange=${(e: Event) => {
          setStatus((e.target as HTMLSelectElement).value);
          setOffset(0);
        }}
      >
        <option value="">${t('allStatuses')}</option>
        <option value="succeeded">${t('succeeded')}</option>
        <option value="failed">${t('failed')}</option>
        <option value="running">${t('running')}</option>
      </select>
    </div>`}
  >
    <${Confirmation} text=${done} />
    <${ErrorBox} error=${error ?? runs.error} />
    ${!runs.data && runs.loading && html`<${Loading} />`}
    ${
      runs.data &&
      (runs.data.items.length === 0
        ? html`<div data-testid="report-runs"><${Empty}>${t('noRuns')}</${Empty}></div>`
        : html`<div class="table-wrap">
            <table data-testid="report-runs" class="inc-runs inc-stack">
              <caption class="visually-hidden">
                ${t('runsCaption')}
              </caption>
              <thead>
                <tr>
                  <th scope="col">${t('started')}</th>
                  <th scope="col">${t('period')}</th>
                  <th scope="col">${t('unit')}</th>
                  <th scope="col">${t('source')}</th>
                  <th scope="col">${t('status')}</th>
                  <th scope="col">${t('files')}</th>
                </tr>
              </thead>
              <tbody>
                ${runs.data.items.map((r) => {
                  const unit = r.unitId ? byId.get(r.unitId) : undefined;
                  const open = isOpen(r.id);
                  return html`<tr key=${r.id} data-testid="report-run">
                      <td class="inc-c-title">${fmtDateTime(r.startedAt)}</td>
                      <td class="inc-nowrap" data-label=${t('period')}>
                        ${periodText(r.periodFrom, r.periodTo)}
                      </td>
                      <td data-label=${t('unit')}>
                        ${r.unitId ? (unit?.code ?? r.parameters.unit ?? r.unitId) : t('province')}
                      </td>
                      <td data-label=${t('source')}>
                        ${
                          r.scheduleName
                            ? t('schedule', { name: r.scheduleName })
                            : t('onDemand', { who: r.requestedBy })
                        }
                      </td>
                      <td>
                        ${runStatusBadge(r.status)}
                        ${r.error && html`<div class="small inc-error-text">${r.error}</div>`}
                      </td>
                      <td>
                        <button
                          type="button"
                          aria-expanded=${open ? 'true' : 'false'}
                          aria-controls=${`run-files-${r.id}`}
                          onClick=${() => toggle(r.id)}
                        >
                          ${open ? t('hideFiles') : t('showFiles')}
                        </button>
                      </td>
                    </tr>
                    ${
                      open &&
                      html`<tr class="inc-run-files" id=${`run-files-${r.id}`}>
                        <td colspan="6">
                          <${FileTable} run=${r} onDownload=${(f: ReportFile) => get(r, f)} />
                        </td>
                      </tr>`
                    }`;
                })}
              </tbody>
            </table>
          </div>`)
    }
    ${
      runs.data &&
      html`<${Pager}
        offset=${offset}
        limit=${PAGE}
        total=${runs.data.total}
        onChange=${setOffset}
      />`
    }
  </${Card}>`;
}

function SchedulesCard({ byCode }: { byCode: Map<string, UnitRef> }) {
  const s = useApi<{ items: Schedule[] }>('/api/reports/schedules');
  return html`<${Card} title=${t('schedules')}>
    <${ErrorBox} error=${s.error} />
    ${!s.data && s.loading && html`<${Loading} />`}
    ${
      s.data &&
      (s.data.items.length === 0
        ? html`<${Empty}>${t('noSchedules')}</${Empty}>`
        : html`<div class="table-wrap">
            <table data-testid="report-schedules" class="inc-schedules inc-stack">
              <caption class="visually-hidden">
                ${t('schedulesCaption')}
              </caption>
              <thead>
                <tr>
                  <th scope="col">${t('scheduleName')}</th>
                  <th scope="col">${t('cron')}</th>
                  <th scope="col">${t('periodKind')}</th>
                  <th scope="col">${t('unit')}</th>
                  <th scope="col">${t('languages')}</th>
                  <th scope="col">${t('formats')}</th>
                  <th scope="col">${t('email')}</th>
                  <th scope="col">${t('nextRun')}</th>
                </tr>
              </thead>
              <tbody>
                ${s.data.items.map(
                  (x) =>
                    html`<tr key=${x.name}>
                      <th scope="row">${x.name}</th>
                      <td data-label=${t('cron')}><code>${x.cron}</code></td>
                      <td data-label=${t('periodKind')}>${t(x.period)}</td>
                      <td data-label=${t('unit')}>
                        ${
                          x.unit
                            ? html`<span title=${byCode.get(x.unit)?.name}>${x.unit}</span>`
                            : t('province')
                        }
                      </td>
                      <td data-label=${t('languages')}>${x.languages.map(langName).join(', ')}</td>
                      <td data-label=${t('formats')}>
                        ${x.formats.map((f) => f.toUpperCase()).join(', ')}
                      </td>
                      <td data-label=${t('email')}>
                        ${x.email.channel ? x.email.channel : t('no')}
                      </td>
                      <td data-label=${t('nextRun')}><strong>${fmtDateTime(x.nextRun)}</strong></td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`)
    }
  </${Card}>`;
}

function Checkboxes<T extends string>({
  name,
  legend,
  options,
  value,
  label,
  onChange,
  problems,
}: {
  name: string;
  legend: string;
  options: readonly T[];
  value: T[];
  label: (v: T) => string;
  onChange: (v: T[]) => void;
  problems?: string[];
}) {
  return html`<fieldset
    class="inc-checks"
    aria-describedby=${problems ? `${name}-error` : undefined}
  >
    <legend>${legend}</legend>
    ${options.map(
      (o) =>
        html`<span class="inc-check">
          <input
            type="checkbox"
            id=${`${name}-${o}`}
            checked=${value.includes(o)}
            onChange=${(e: Event) =>
              onChange(
                (e.target as HTMLInputElement).checked
                  ? options.filter((x) => x === o || value.includes(x))
                  : value.filter((x) => x !== o),
              )}
          />
          <label for=${`${name}-${o}`}>${label(o)}</label>
        </span>`,
    )}
    <${FieldError} id=${`${name}-error`} messages=${problems} />
  </fieldset>`;
}

/** One day of the period; its hint is the period's, its error its own. */
function DayField({
  id,
  prefix,
  label,
  value,
  onValue,
  problems,
}: {
  id: string;
  prefix: string;
  label: string;
  value: string;
  onValue: (v: string) => void;
  problems: string[] | undefined;
}) {
  return html`<div>
    <label for=${id}>${label}</label>
    <input
      id=${id}
      type="date"
      value=${value}
      aria-invalid=${problems ? 'true' : undefined}
      aria-describedby=${problems ? `${id}-error` : `${prefix}-period-hint`}
      onInput=${(e: Event) => onValue((e.target as HTMLInputElement).value)}
    />
    <${FieldError} id=${`${id}-error`} messages=${problems} />
  </div>`;
}

function toError(err: unknown): Error {
  return err instanceof Error ? err : new ApiError(0, String(err), 'error');
}

/** What both report forms hold: a period (last month at first), a unit, and a submit state. */
function usePeriodForm() {
  const initial = lastMonth();
  const [from, setFrom] = useState(initial.from);
  const [to, setTo] = useState(initial.to);
  const [unit, setUnit] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  /** A submit handler: `reset` clears the previous outcome, `work` does the request. */
  const submitting = (reset: () => void, work: () => Promise<void>) => async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    reset();
    try {
      await work();
    } catch (err) {
      setError(toError(err));
    } finally {
      setBusy(false);
    }
  };
  return { from, setFrom, to, setTo, unit, setUnit, busy, error, submitting };
}
type PeriodForm = ReturnType<typeof usePeriodForm>;

/** The period's two days and the unit, as the first fields of a form's toolbar. */
function PeriodUnitFields({
  prefix,
  form,
  problems,
  units,
  complete,
}: {
  prefix: string;
  form: PeriodForm;
  problems: Record<string, string[]>;
  units: UnitRef[];
  complete: boolean;
}) {
  const id = `${prefix}-unit`;
  return html`<${DayField}
      id=${`${prefix}-from`}
      prefix=${prefix}
      label=${t('from')}
      value=${form.from}
      onValue=${form.setFrom}
      problems=${problems.from}
    />
    <${DayField}
      id=${`${prefix}-to`}
      prefix=${prefix}
      label=${t('to')}
      value=${form.to}
      onValue=${form.setTo}
      problems=${problems.to}
    />
    <div>
      <label for=${id}>${t('unit')}</label>
      <${UnitSelect}
        id=${id}
        value=${form.unit}
        units=${units}
        complete=${complete}
        emptyLabel=${t('province')}
        invalid=${!!problems.unit}
        describedBy=${problems.unit ? `${id}-error` : undefined}
        onChange=${form.setUnit}
      />
      <${FieldError} id=${`${id}-error`} messages=${problems.unit} />
    </div>`;
}

function GenerateForm({
  units,
  complete,
  onGenerated,
}: {
  units: UnitRef[];
  complete: boolean;
  onGenerated: (run: ReportRun) => void;
}) {
  const form = usePeriodForm();
  const { busy, error } = form;
  const [langs, setLangs] = useState<ReportLang[]>([lang()]);
  const [formats, setFormats] = useState<Format[]>([...FORMATS]);
  const [result, setResult] = useState<ReportRun | null>(null);
  const problems = fieldProblems(error);

  const submit = form.submitting(
    () => setResult(null),
    async () => {
      const body: Record<string, unknown> = { ...periodBody(form.from, form.to) };
      if (form.unit) body.unit = form.unit;
      // An empty choice goes as is: the API names `languages` / `formats`.
      body.languages = langs;
      body.formats = formats;
      const run = await api<ReportRun>('/api/reports/runs', { method: 'POST', body });
      setResult(run);
      onGenerated(run);
    },
  );

  const status = busy
    ? t('generating')
    : result?.status === 'succeeded'
      ? t('generated', { n: result.files?.length ?? 0 })
      : null;
  return html`<form class="card" onSubmit=${submit} novalidate aria-busy=${busy}>
    <h2>${t('generate')}</h2>
    <${ErrorBox} error=${error} />
    <div class="toolbar">
      <${PeriodUnitFields}
        prefix="gen"
        form=${form}
        problems=${problems}
        units=${units}
        complete=${complete}
      />
    </div>
    <p class="muted small" id="gen-period-hint">${t('periodHint')}</p>
    <div class="toolbar">
      <${Checkboxes}
        name="gen-lang"
        legend=${t('languages')}
        options=${LANGS}
        value=${langs}
        label=${langName}
        onChange=${setLangs}
        problems=${problems.languages}
      />
      <${Checkboxes}
        name="gen-format"
        legend=${t('formats')}
        options=${FORMATS}
        value=${formats}
        label=${(f: string) => f.toUpperCase()}
        onChange=${setFormats}
        problems=${problems.formats}
      />
    </div>
    <div class="inc-actions">
      <button type="submit" class="primary" data-testid="report-generate" disabled=${busy}>
        ${t('generateSubmit')}
      </button>
    </div>
    <${Confirmation} text=${status} />
    ${busy && html`<progress class="inc-progress" aria-label=${t('generating')}></progress>`}
    ${
      result?.status === 'failed' &&
      html`<div class="error" role="alert">
        ${t('generateFailed', { error: result.error ?? '' })}
      </div>`
    }
  </form>`;
}

function OnDemandForm({ units, complete }: { units: UnitRef[]; complete: boolean }) {
  const form = usePeriodForm();
  const { from, to, busy, error } = form;
  const [format, setFormat] = useState<Format>('pdf');
  const [reportLang, setReportLang] = useState<ReportLang>(lang());
  const [section, setSection] = useState<string>(CSV_SECTIONS[0]);
  const [done, setDone] = useState<string | null>(null);
  const problems = fieldProblems(error);

  const submit = form.submitting(
    () => setDone(null),
    async () => {
      const name =
        format === 'csv'
          ? `compliance-${section}-${from}-${to}.csv`
          : `compliance-${from}-${to}-${reportLang}.${format}`;
      await download('/api/reports/compliance', name, {
        ...periodBody(from, to),
        unit: form.unit || undefined,
        format,
        lang: reportLang,
        section: format === 'csv' ? section : undefined,
      });
      setDone(t('downloaded', { name }));
    },
  );

  return html`<form class="card" onSubmit=${submit} novalidate aria-busy=${busy}>
    <h2>${t('onDemandTitle')}</h2>
    <${ErrorBox} error=${error} />
    <div class="toolbar">
      <${PeriodUnitFields}
        prefix="od"
        form=${form}
        problems=${problems}
        units=${units}
        complete=${complete}
      />
      <div>
        <label for="od-format">${t('format')}</label>
        <select
          id="od-format"
          value=${format}
          onChange=${(e: Event) => setFormat((e.target as HTMLSelectElement).value as Format)}
        >
          ${FORMATS.map((f) => html`<option value=${f}>${f.toUpperCase()}</option>`)}
        </select>
      </div>
      <div>
        <label for="od-lang">${t('language')}</label>
        <select
          id="od-lang"
          value=${reportLang}
          onChange=${(e: Event) =>
            setReportLang((e.target as HTMLSelectElement).value as ReportLang)}
        >
          ${LANGS.map((l) => html`<option value=${l}>${langName(l)}</option>`)}
        </select>
      </div>
      ${
        format === 'csv' &&
        html`<div>
          <label for="od-section">${t('section')}</label>
          <select
            id="od-section"
            value=${section}
            aria-invalid=${problems.section ? 'true' : undefined}
            onChange=${(e: Event) => setSection((e.target as HTMLSelectElement).value)}
          >
            ${CSV_SECTIONS.map((s) => html`<option value=${s}>${s}</option>`)}
          </select>
          <${FieldError} id="od-section-error" messages=${problems.section} />
        </div>`
      }
    </div>
    <p class="muted small" id="od-period-hint">${t('periodHint')}</p>
    <div class="inc-actions">
      <button type="submit" class="primary" data-testid="report-on-demand" disabled=${busy}>
        ⤓ ${busy ? t('preparing') : t('onDemandSubmit')}
      </button>
    </div>
    <${Confirmation} text=${done} />
  </form>`;
}

/** Reports: stored runs with their files, schedules, generate now, and on-demand downloads. */
export function ReportsPage() {
  const me = useMe();
  const writable = can(me, 'reports', true);
  const { units, byId, complete } = useUnits();
  const byCode = new Map(units.map((u) => [u.code, u]));
  const [expanded, setExpanded] = useState<Set<string> | null>(null);
  const [reloadKey, setReloadKey] = useState(0);

  return html`
    <h1 id="page-title">${t('title')}</h1>
    ${!writable && html`<p class="muted">${t('readOnly')}</p>`}
    <div class="grid inc-report-forms">
      ${
        writable &&
        html`<${GenerateForm}
          units=${units}
          complete=${complete}
          onGenerated=${(run: ReportRun) => {
            setExpanded(new Set([run.id]));
            setReloadKey((k) => k + 1);
          }}
        />`
      }
      <${OnDemandForm} units=${units} complete=${complete} />
    </div>
    <${RunsCard}
      byId=${byId}
      expanded=${expanded}
      setExpanded=${setExpanded}
      reloadKey=${reloadKey}
    />
    <${SchedulesCard} byCode=${byCode} />
  `;
}
