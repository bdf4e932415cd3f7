import { Inject, Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError, FieldProblem, ValidationError } from '../../common/errors';
import { fieldsWithNul, toFieldProblems } from '../../common/validation';
import { NETWATCH_CONFIG, NetwatchConfig } from '../../config/config.types';
import { CrudRegistry } from '../crud/crud.registry';
import { ResourceDefinition } from '../crud/resource-definition';
import { InventoryEntity } from '../entities/base.entity';
import {
  circuitResource,
  contactResource,
  contactRoleResource,
  deviceResource,
  interfaceResource,
  ipAddressResource,
  prefixResource,
  serviceResource,
  siteResource,
  unitResource,
  vlanResource,
} from '../resources';
import { bodyOf, referencesOf, sourceKeyOf } from './bodies';
import { readCsv } from './csv-reader';
import { decodeImportFile } from './decode';
import { ImportFile, naturalKey, recordProblem, SourceRecord } from './records';
import { canonicalKey, KeyIndex } from './references';
import { IMPORT_ORDER, RecordType, SPECS } from './schema';
import { readYaml } from './yaml-reader';

export const RESOURCE_OF: Record<RecordType, ResourceDefinition<InventoryEntity>> = {
  unit: unitResource,
  contact: contactResource,
  site: siteResource,
  device: deviceResource,
  interface: interfaceResource,
  vlan: vlanResource,
  prefix: prefixResource,
  ipAddress: ipAddressResource,
  circuit: circuitResource,
  service: serviceResource,
  contactRole: contactRoleResource,
} as unknown as Record<RecordType, ResourceDefinition<InventoryEntity>>;

export interface ImportChange {
  type: RecordType;
  key: string;
  action: 'create' | 'update';
  /** For updates: the fields that changed. */
  fields?: string[];
  file: string;
  line: number;
}

export interface ImportReport {
  dryRun: boolean;
  records: number;
  summary: Record<RecordType, { created: number; updated: number; unchanged: number }>;
  changes: ImportChange[];
  durationMs: number;
}

export interface ImportOptions {
  dryRun?: boolean;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Decodes and parses import files without touching the database, so the CLI can refuse a
 * malformed file before it connects. Throws one ValidationError listing every problem found.
 */
export function readImportFiles(files: ImportFile[], maxBytes: number): SourceRecord[] {
  if (!files.length)
    throw new ValidationError('nothing to import', [
      { field: 'files', message: 'files must not be empty' },
    ]);
  const records: SourceRecord[] = [];
  const problems: FieldProblem[] = [];
  for (const file of files) {
    const text = decodeImportFile(file.name, file.content, maxBytes);
    const isYaml = /\.ya?ml$/i.test(file.name);
    if (!isYaml && !/\.csv$/i.test(file.name)) {
      problems.push({
        file: file.name,
        field: '(file)',
        message: 'the file name must end in .yaml, .yml or .csv',
      });
      continue;
    }
    const result = isYaml ? readYaml(file.name, text) : readCsv(file.name, text);
    records.push(...result.records);
    problems.push(...result.problems);
  }
  if (problems.length) throw rejected(problems);
  return records;
}

/** At most this many problems are listed; the message says how many there were. */
const MAX_PROBLEMS = 200;
/** A placeholder id for references to objects that the file itself creates. */
const PENDING_ID = '00000000-0000-4000-8000-000000000000';

class DryRunRollback extends Error {
  constructor(readonly report: ImportReport) {
    super('dry run');
  }
}

/** Messages start with the API field name; the problem names the field as the file spells it. */
function withoutField(message: string, field: string): string {
  return message.startsWith(`${field} `) ? message.slice(field.length + 1) : message;
}

function rejected(problems: FieldProblem[]): ValidationError {
  const shown = problems.slice(0, MAX_PROBLEMS);
  const more = problems.length > shown.length ? ` (first ${shown.length} listed)` : '';
  const first = shown[0];
  const where = first
    ? `${first.file ?? ''}${first.line ? ` line ${first.line}` : ''}: ${first.message}`
    : '';
  return new ValidationError(
    `import rejected, nothing was written: ${problems.length} problem${problems.length === 1 ? '' : 's'}${more}; first: ${where}`,
    shown,
  );
}

/**
 * Bulk import of the whole inventory from YAML or per-type CSV files: all-or-nothing (one
 * transaction), idempotent (upsert by natural key, unchanged rows untouched), every problem
 * located by file, line and field. Writes go through the same CRUD services as the API, so the
 * same validation, canonical forms and change log apply.
 */
@Injectable()
export class InventoryImporter {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(CrudRegistry) private readonly registry: CrudRegistry,
    @Inject(NETWATCH_CONFIG) private readonly config: NetwatchConfig,
  ) {}

  /** Parses every file; throws one ValidationError listing every syntax-level problem. */
  read(files: ImportFile[]): SourceRecord[] {
    return readImportFiles(files, this.config.inventory.importMaxBytes);
  }

  async import(files: ImportFile[], options: ImportOptions = {}): Promise<ImportReport> {
    return this.importRecords(this.read(files), options);
  }

  /** Imports records already read (the CLI reads the files before it opens the database). */
  async importRecords(records: SourceRecord[], options: ImportOptions = {}): Promise<ImportReport> {
    const started = Date.now();
    try {
      return await this.dataSource.transaction(async (em) => {
        const index = await KeyIndex.load(em);
        const ordered = this.validate(records, index);
        const report = await this.apply(em, ordered, index, options);
        report.durationMs = Date.now() - started;
        report.dryRun = Boolean(options.dryRun);
        if (options.dryRun) throw new DryRunRollback(report);
        return report;
      });
    } catch (err) {
      if (err instanceof DryRunRollback) return err.report;
      throw err;
    }
  }

  /** Checks everything that can be checked before writing; returns the records in write order. */
  private validate(records: SourceRecord[], index: KeyIndex): SourceRecord[] {
    const problems: FieldProblem[] = [];
    const keyOf = (r: SourceRecord) => naturalKey(r, canonicalKey);
    const inFile = new Map<RecordType, Map<string, SourceRecord>>(
      IMPORT_ORDER.map((t) => [t, new Map()]),
    );

    for (const r of records) {
      const missing = SPECS[r.type].required.filter((k) => r.data[k] === undefined);
      for (const key of missing) problems.push(recordProblem(r, key, 'is required'));
      if (missing.length) continue;
      const key = keyOf(r);
      const first = inFile.get(r.type)!.get(key);
      if (first) {
        problems.push(
          recordProblem(
            r,
            null,
            `duplicate ${r.type} ${key}: already defined at ${first.file} line ${first.line}`,
          ),
        );
        continue;
      }
      inFile.get(r.type)!.set(key, r);
    }

    for (const r of records) {
      if (r.type === 'ipAddress' && r.data.interface !== undefined && r.data.device === undefined) {
        problems.push(recordProblem(r, 'device', 'is required when interface is given'));
      }
      const ids: Record<string, string> = {};
      for (const ref of referencesOf(r)) {
        const known =
          index.get(ref.target, ref.key) ??
          (inFile.get(ref.target)!.has(ref.key) ? PENDING_ID : undefined);
        if (known) ids[ref.bodyField] = known;
        else if (
          ref.device &&
          !index.get('device', ref.device.key) &&
          !inFile.get('device')!.has(ref.device.key)
        ) {
          problems.push(
            recordProblem(
              r,
              ref.device.sourceKey,
              `refers to device "${ref.device.key}", which is neither in the import nor stored`,
            ),
          );
        } else {
          problems.push(
            recordProblem(
              r,
              ref.sourceKey,
              `refers to ${ref.target} "${ref.key}", which is neither in the import nor stored`,
            ),
          );
        }
      }
      const body = bodyOf(r, ids);
      // PostgreSQL text cannot hold U+0000: refuse it here, or the INSERT fails (a 500).
      for (const field of fieldsWithNul(body))
        problems.push(
          recordProblem(r, sourceKeyOf(r, field), 'must not contain the character U+0000'),
        );
      const dto = plainToInstance(RESOURCE_OF[r.type].createDto, body);
      const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
      for (const p of toFieldProblems(errors)) {
        const key = sourceKeyOf(r, p.field);
        problems.push(recordProblem(r, key, withoutField(p.message, p.field)));
      }
    }

    const units = [...inFile.get('unit')!.values()];
    const orderedUnits = this.parentsFirst(units, problems);
    if (problems.length) throw rejected(problems);
    const byType = (type: RecordType) =>
      type === 'unit' ? orderedUnits : [...inFile.get(type)!.values()];
    return IMPORT_ORDER.flatMap(byType);
  }

  /** Units in an order where every parent comes before its children; a cycle is a problem. */
  private parentsFirst(units: SourceRecord[], problems: FieldProblem[]): SourceRecord[] {
    const byCode = new Map(units.map((u) => [String(u.data.code), u]));
    const state = new Map<string, 'visiting' | 'done'>();
    const out: SourceRecord[] = [];
    const visit = (u: SourceRecord, trail: string[]) => {
      const code = String(u.data.code);
      if (state.get(code) === 'done') return;
      if (state.get(code) === 'visiting') {
        problems.push(recordProblem(u, 'parent', `makes a cycle: ${[...trail, code].join(' → ')}`));
        return;
      }
      state.set(code, 'visiting');
      const parent = u.data.parent === undefined ? undefined : byCode.get(String(u.data.parent));
      if (parent) visit(parent, [...trail, code]);
      state.set(code, 'done');
      out.push(u);
    };
    for (const u of units) visit(u, []);
    return out;
  }

  private async apply(
    em: EntityManager,
    records: SourceRecord[],
    index: KeyIndex,
    options: ImportOptions,
  ): Promise<ImportReport> {
    const summary = Object.fromEntries(
      IMPORT_ORDER.map((t) => [t, { created: 0, updated: 0, unchanged: 0 }]),
    ) as ImportReport['summary'];
    const changes: ImportChange[] = [];
    let done = 0;
    for (const r of records) {
      const key = naturalKey(r, canonicalKey);
      const ids: Record<string, string> = {};
      for (const ref of referencesOf(r))
        ids[ref.bodyField] = index.get(ref.target, ref.key) as string;
      const crud = this.registry.for(RESOURCE_OF[r.type]);
      const body = bodyOf(r, ids);
      const existing = index.get(r.type, key);
      try {
        if (existing) {
          const { changedFields } = await crud.update(existing, body, em);
          if (changedFields.length) {
            summary[r.type].updated++;
            changes.push({
              type: r.type,
              key,
              action: 'update',
              fields: changedFields,
              file: r.file,
              line: r.line,
            });
          } else {
            summary[r.type].unchanged++;
          }
        } else {
          const created = await crud.create(body, em);
          index.set(r.type, key, created.id);
          summary[r.type].created++;
          changes.push({ type: r.type, key, action: 'create', file: r.file, line: r.line });
        }
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        const details = err.details.length
          ? err.details
          : [{ field: '(record)', message: err.message }];
        throw rejected(
          details.map((d) =>
            recordProblem(r, sourceKeyOf(r, d.field), withoutField(d.message, d.field)),
          ),
        );
      }
      done++;
      options.onProgress?.(done, records.length);
    }
    return { dryRun: false, records: records.length, summary, changes, durationMs: 0 };
  }
}
