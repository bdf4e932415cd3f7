import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FieldProblem, NotFoundError, ValidationError } from '../../common/errors';
import { OutboxWriter } from '../../notifications/outbox-writer';
import { complianceCsv, CSV_SECTION_NAMES } from '../compliance/compliance-csv';
import { buildComplianceReport, ComplianceReport } from '../compliance/compliance-report';
import { Period, periodProblems, VIETNAM_OFFSET_MS } from '../compliance/period';
import { renderComplianceReport } from '../compliance/render';
import { ComplianceRules } from '../compliance/rules';
import { COMPLIANCE_RULES, REPORTS_CLOCK } from '../reports.controller';
import { ReportFormat, ReportLang } from './schedules';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PG_UNIQUE_VIOLATION = '23505';

export interface RunRequest {
  /** The schedule that asked for it; null: on demand. */
  scheduleName: string | null;
  period: Period;
  /** Unit code or id; null: the whole province. */
  unit: string | null;
  languages: ReportLang[];
  formats: ReportFormat[];
  /** Who asked: `schedule:<name>`, `api:<address>`, `cli:<user>`. */
  requestedBy: string;
  /** E-mail the PDFs through this e-mail channel (by name), to these recipients (empty: its own). */
  email?: { channel: string; to: string[] };
}

export interface ReportFile {
  name: string;
  format: ReportFormat;
  lang: ReportLang;
  contentType: string;
  size: number;
  sha256: string;
}

export interface ReportRun {
  id: string;
  kind: 'compliance';
  scheduleName: string | null;
  periodFrom: Date;
  periodTo: Date;
  unitId: string | null;
  parameters: Record<string, unknown>;
  status: 'running' | 'succeeded' | 'failed';
  error: string | null;
  requestedBy: string;
  startedAt: Date;
  finishedAt: Date | null;
  files: ReportFile[];
}

/** Progress of one run, for a terminal progress bar. */
export type RunProgress = (step: string, done: number, total: number) => void;

const CONTENT_TYPES: Record<ReportFormat, string> = {
  json: 'application/json',
  csv: 'text/csv; charset=utf-8',
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
};

/** `2026-10-01_2026-10-31`: the period's local dates, the end inclusive. */
export function periodLabel(p: Period): string {
  const day = (t: number) => new Date(t + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
  return `${day(p.from.getTime())}_${day(p.to.getTime() - 1)}`;
}

const RUN_COLUMNS = `id, kind, schedule_name AS "scheduleName", period_from AS "periodFrom",
  period_to AS "periodTo", unit_id AS "unitId", parameters, status, error,
  requested_by AS "requestedBy", started_at AS "startedAt", finished_at AS "finishedAt"`;

/**
 * Generates a compliance report run: builds the report once from the rollups, renders every
 * requested format and language, stores the files with their SHA-256, and queues the PDFs for
 * e-mail through the notifications outbox in the same transaction that marks the run done.
 */
@Injectable()
export class ReportRunner {
  private readonly logger = new Logger('Reports');

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    @Inject(COMPLIANCE_RULES) private readonly rules: ComplianceRules,
    @Inject(REPORTS_CLOCK) private readonly now: () => Date,
  ) {}

  /**
   * Runs `req`. A scheduled slot already generated is not generated again: its run is returned
   * with `created: false`. Bad input is a ValidationError naming the field; a failure while
   * generating is recorded on the run (status `failed`) and returned.
   */
  async run(
    req: RunRequest,
    progress?: RunProgress,
  ): Promise<{ run: ReportRun; created: boolean }> {
    const problems: FieldProblem[] = [...periodProblems(req.period)];
    if (!req.languages.length)
      problems.push({ field: 'languages', message: 'at least one language' });
    if (!req.formats.length) problems.push({ field: 'formats', message: 'at least one format' });
    if (problems.length) throw new ValidationError('invalid report request', problems);
    const unitId = req.unit ? await this.resolveUnit(req.unit) : null;
    const emailChannelId = req.email?.channel ? await this.emailChannel(req.email.channel) : null;

    const parameters = {
      languages: req.languages,
      formats: req.formats,
      unit: req.unit,
      ...(req.email?.channel ? { email: req.email } : {}),
    };
    let runId: string;
    try {
      const rows: { id: string }[] = await this.dataSource.query(
        `INSERT INTO report_runs (schedule_name, period_from, period_to, unit_id, parameters,
           requested_by, started_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [
          req.scheduleName,
          req.period.from,
          req.period.to,
          unitId,
          JSON.stringify(parameters),
          req.requestedBy,
          this.now(),
        ],
      );
      runId = rows[0].id;
    } catch (err) {
      if ((err as { driverError?: { code?: string } }).driverError?.code !== PG_UNIQUE_VIOLATION)
        throw err;
      const existing: { id: string }[] = await this.dataSource.query(
        `SELECT id FROM report_runs WHERE schedule_name = $1 AND period_from = $2 AND period_to = $3
           AND unit_id IS NOT DISTINCT FROM $4`,
        [req.scheduleName, req.period.from, req.period.to, unitId],
      );
      return { run: await this.get(existing[0].id), created: false };
    }

    try {
      const files = await this.files(req, unitId, progress);
      await this.dataSource.transaction(async (m) => {
        for (const f of files)
          await m.query(
            `INSERT INTO report_files (run_id, name, format, lang, content_type, size, sha256,
               content) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
            [runId, f.name, f.format, f.lang, f.contentType, f.size, f.sha256, f.content],
          );
        await m.query(
          `UPDATE report_runs SET status = 'succeeded', finished_at = $2 WHERE id = $1`,
          [runId, this.now()],
        );
        if (emailChannelId) {
          const pdfs = files.filter((f) => f.format === 'pdf').map((f) => f.name);
          await this.outbox.enqueueReport(m, emailChannelId, {
            runId,
            period: req.period,
            languages: req.languages,
            files: pdfs.length ? pdfs : files.map((f) => f.name),
            to: req.email?.to ?? [],
            at: this.now(),
          });
        }
      });
    } catch (err) {
      const message = (err as Error).message;
      this.logger.error(`report run ${runId} failed: ${message}`);
      await this.dataSource.query(
        `UPDATE report_runs SET status = 'failed', error = $2, finished_at = $3 WHERE id = $1`,
        [runId, message.slice(0, 2000), this.now()],
      );
    }
    return { run: await this.get(runId), created: true };
  }

  /**
   * Builds the report once and renders every requested file, without storing anything (the
   * CLI writes them to disk). `unitId` is already resolved (see `resolveUnit`).
   */
  async files(
    req: Pick<RunRequest, 'period' | 'languages' | 'formats'>,
    unitId: string | null,
    progress?: RunProgress,
  ): Promise<(ReportFile & { content: Buffer })[]> {
    const total = 1 + this.fileCount(req);
    progress?.('building the report from rollups', 0, total);
    const report = await buildComplianceReport(this.dataSource, {
      ...req.period,
      unitId,
      generatedAt: this.now(),
      rules: this.rules,
    });
    const files: (ReportFile & { content: Buffer })[] = [];
    let done = 1;
    progress?.('rendering', done, total);
    for await (const file of this.render(report, req)) {
      files.push(file);
      progress?.(`rendered ${file.name}`, ++done, total);
    }
    return files;
  }

  async get(id: string): Promise<ReportRun> {
    const rows: Omit<ReportRun, 'files'>[] = UUID.test(id)
      ? await this.dataSource.query(`SELECT ${RUN_COLUMNS} FROM report_runs WHERE id = $1`, [id])
      : [];
    if (!rows.length) throw new NotFoundError(`report run ${id} not found`);
    const files: ReportFile[] = await this.dataSource.query(
      `SELECT name, format, lang, content_type AS "contentType", size, sha256 FROM report_files
       WHERE run_id = $1 ORDER BY name`,
      [id],
    );
    return { ...rows[0], files };
  }

  async list(f: { schedule?: string; status?: string; limit?: number; offset?: number } = {}) {
    const limit = f.limit ?? 50;
    const offset = f.offset ?? 0;
    const where = `WHERE ($1::text IS NULL OR schedule_name = $1) AND ($2::text IS NULL OR status = $2)`;
    const params = [f.schedule ?? null, f.status ?? null];
    const [{ total }]: { total: string }[] = await this.dataSource.query(
      `SELECT count(*) AS total FROM report_runs ${where}`,
      params,
    );
    const items: Omit<ReportRun, 'files'>[] = await this.dataSource.query(
      `SELECT ${RUN_COLUMNS} FROM report_runs ${where} ORDER BY started_at DESC, id
       LIMIT ${limit} OFFSET ${offset}`,
      params,
    );
    return { items, total: Number(total), limit, offset };
  }

  /** One stored file with its bytes. */
  async file(runId: string, name: string): Promise<ReportFile & { content: Buffer }> {
    const rows: (ReportFile & { content: Buffer })[] = UUID.test(runId)
      ? await this.dataSource.query(
          `SELECT name, format, lang, content_type AS "contentType", size, sha256, content
           FROM report_files WHERE run_id = $1 AND name = $2`,
          [runId, name],
        )
      : [];
    if (!rows.length) throw new NotFoundError(`report file ${name} of run ${runId} not found`);
    return rows[0];
  }

  private fileCount(req: Pick<RunRequest, 'languages' | 'formats'>): number {
    let n = 0;
    for (const format of req.formats)
      n +=
        format === 'json'
          ? 1
          : format === 'csv'
            ? CSV_SECTION_NAMES.length * req.languages.length
            : req.languages.length;
    return n;
  }

  /** Every requested file: JSON once (its field names are English), the rest per language. */
  private async *render(
    report: ComplianceReport,
    req: Pick<RunRequest, 'period' | 'languages' | 'formats'>,
  ): AsyncGenerator<ReportFile & { content: Buffer }> {
    const label = periodLabel(req.period);
    const file = (name: string, format: ReportFormat, lang: ReportLang, content: Buffer) => ({
      name,
      format,
      lang,
      contentType: CONTENT_TYPES[format],
      size: content.length,
      sha256: createHash('sha256').update(content).digest('hex'),
      content,
    });
    for (const format of req.formats) {
      if (format === 'json') {
        yield file(
          `compliance-${label}.json`,
          'json',
          req.languages[0],
          Buffer.from(`${JSON.stringify(report, null, 2)}\n`, 'utf8'),
        );
        continue;
      }
      for (const lang of req.languages) {
        if (format === 'csv') {
          for (const section of CSV_SECTION_NAMES)
            yield file(
              `compliance-${label}-${section}-${lang}.csv`,
              'csv',
              lang,
              complianceCsv(report, section, lang),
            );
        } else {
          yield file(
            `compliance-${label}-${lang}.${format}`,
            format,
            lang,
            await renderComplianceReport(report, { format, lang }),
          );
        }
      }
    }
  }

  /** A unit code or id → id; unknown is a ValidationError naming `unit`. */
  async resolveUnit(unit: string): Promise<string> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id::text AS id FROM units WHERE code = $1 ${UUID.test(unit) ? 'OR id = $1::uuid' : ''} LIMIT 1`,
      [unit],
    );
    if (!rows.length)
      throw new ValidationError('unknown unit', [
        { field: 'unit', message: `unit ${unit} not found` },
      ]);
    return rows[0].id;
  }

  private async emailChannel(name: string): Promise<string> {
    const rows: { id: string; kind: string }[] = await this.dataSource.query(
      `SELECT id, kind FROM notification_channels WHERE name = $1`,
      [name],
    );
    if (!rows.length || rows[0].kind !== 'email')
      throw new ValidationError('unknown e-mail channel', [
        { field: 'email.channel', message: `no e-mail channel named "${name}"` },
      ]);
    return rows[0].id;
  }
}
