import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { validate } from 'node-cron';
import { parse } from 'yaml';
import { projectRoot } from '../../common/project-root';
import { ConfigError } from '../../config/config.loader';
import { Period, VIETNAM_OFFSET_MS } from '../compliance/period';

export const REPORT_TIME_ZONE = 'Asia/Ho_Chi_Minh';
export const REPORT_FORMATS = ['json', 'csv', 'html', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export const REPORT_LANGS = ['vi', 'en'] as const;
export type ReportLang = (typeof REPORT_LANGS)[number];
export const PERIOD_KINDS = ['previous_month', 'previous_quarter'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

export interface ReportSchedule {
  name: string;
  cron: string;
  period: PeriodKind;
  /** Unit code; null: the whole province. */
  unit: string | null;
  languages: ReportLang[];
  formats: ReportFormat[];
  email: { channel: string; to: string[] };
}

const EMAIL =
  /^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/** The complete calendar month or quarter (in Asia/Ho_Chi_Minh) before `slot`. */
export function periodBefore(kind: PeriodKind, slot: Date): Period {
  const local = new Date(slot.getTime() + VIETNAM_OFFSET_MS);
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth();
  const start = kind === 'previous_month' ? m - 1 : Math.floor(m / 3) * 3 - 3;
  const end = kind === 'previous_month' ? m : Math.floor(m / 3) * 3;
  return {
    from: new Date(Date.UTC(y, start, 1) - VIETNAM_OFFSET_MS),
    to: new Date(Date.UTC(y, end, 1) - VIETNAM_OFFSET_MS),
  };
}

function list<T extends string>(
  value: unknown,
  allowed: readonly T[],
  key: string,
  source: string,
  problems: string[],
): T[] {
  if (!Array.isArray(value) || !value.length) {
    problems.push(`${key} (in ${source}): must be a non-empty list of ${allowed.join(', ')}`);
    return [];
  }
  const out: T[] = [];
  for (const [i, v] of value.entries()) {
    if (!allowed.includes(v as T))
      problems.push(`${key}[${i}] (in ${source}): must be one of ${allowed.join(', ')}`);
    else if (!out.includes(v as T)) out.push(v as T);
  }
  return out;
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** Validates a parsed schedules file; every problem names the schedule and key. */
export function parseSchedules(raw: unknown, source: string): ReportSchedule[] {
  const problems: string[] = [];
  const at = (key: string) => `${key} (in ${source})`;
  if (!isMapping(raw)) throw new ConfigError([`${source}: must be a YAML mapping`]);
  for (const key of Object.keys(raw))
    if (!['version', 'schedules'].includes(key)) problems.push(`${at(key)}: unknown key`);
  if (raw.version !== 1) problems.push(`${at('version')}: must be 1`);
  const entries = raw.schedules ?? [];
  if (!Array.isArray(entries))
    throw new ConfigError([...problems, `${at('schedules')}: must be a list`]);
  const schedules: ReportSchedule[] = [];
  const names = new Set<string>();
  for (const [i, entry] of entries.entries()) {
    const where = `schedules[${i}]`;
    if (!isMapping(entry)) {
      problems.push(`${at(where)}: must be a mapping`);
      continue;
    }
    for (const key of Object.keys(entry))
      if (!['name', 'cron', 'period', 'unit', 'languages', 'formats', 'email'].includes(key))
        problems.push(`${at(`${where}.${key}`)}: unknown key`);
    const name = String(entry.name ?? '');
    if (!NAME.test(name))
      problems.push(`${at(`${where}.name`)}: must be 1-100 letters, digits, '.', '_' or '-'`);
    else if (names.has(name)) problems.push(`${at(`${where}.name`)}: "${name}" is used twice`);
    names.add(name);
    const cron = typeof entry.cron === 'string' ? entry.cron.trim() : '';
    if (!cron || !validate(cron))
      problems.push(
        `${at(`${where}.cron`)}: must be a cron expression, got ${JSON.stringify(entry.cron)}`,
      );
    if (!PERIOD_KINDS.includes(entry.period as PeriodKind))
      problems.push(`${at(`${where}.period`)}: must be one of ${PERIOD_KINDS.join(', ')}`);
    if (
      entry.unit !== undefined &&
      entry.unit !== null &&
      (typeof entry.unit !== 'string' || !entry.unit)
    )
      problems.push(`${at(`${where}.unit`)}: must be a unit code`);
    const languages = list(
      entry.languages ?? ['vi'],
      REPORT_LANGS,
      `${where}.languages`,
      source,
      problems,
    );
    const formats = list(
      entry.formats ?? ['pdf'],
      REPORT_FORMATS,
      `${where}.formats`,
      source,
      problems,
    );
    const email = entry.email ?? {};
    let channel = '';
    let to: string[] = [];
    if (!isMapping(email)) problems.push(`${at(`${where}.email`)}: must be a mapping`);
    else {
      for (const key of Object.keys(email))
        if (!['channel', 'to'].includes(key))
          problems.push(`${at(`${where}.email.${key}`)}: unknown key`);
      channel = typeof email.channel === 'string' ? email.channel : '';
      if (email.channel !== undefined && typeof email.channel !== 'string')
        problems.push(`${at(`${where}.email.channel`)}: must be a channel name`);
      const rawTo = email.to ?? [];
      if (!Array.isArray(rawTo)) problems.push(`${at(`${where}.email.to`)}: must be a list`);
      else
        to = rawTo.map((v: unknown, j: number) => {
          if (typeof v !== 'string' || !EMAIL.test(v))
            problems.push(
              `${at(`${where}.email.to[${j}]`)}: not an e-mail address: ${JSON.stringify(v)}`,
            );
          return String(v);
        });
      if (to.length && !channel)
        problems.push(`${at(`${where}.email.channel`)}: needed when email.to is set`);
    }
    schedules.push({
      name,
      cron,
      period: entry.period as PeriodKind,
      unit: typeof entry.unit === 'string' ? entry.unit : null,
      languages,
      formats,
      email: { channel, to },
    });
  }
  if (problems.length) throw new ConfigError(problems);
  return schedules;
}

/** Reads the schedules file (`reports.schedulesFile`, relative to the project folder). */
export function loadSchedules(file = 'config/report-schedules.yaml'): ReportSchedule[] {
  const path = resolve(projectRoot(), file);
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError([`${path}: ${(err as Error).message}`]);
  }
  return parseSchedules(raw, path);
}
