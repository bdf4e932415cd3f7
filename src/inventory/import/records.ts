import { FieldProblem } from '../../common/errors';
import { RecordType, SPECS } from './schema';

export type SourceFormat = 'yaml' | 'csv';

/** One object read from an import file, with where it came from. */
export interface SourceRecord {
  type: RecordType;
  format: SourceFormat;
  file: string;
  /** Line of the record (YAML: its first line; CSV: its row's line). */
  line: number;
  /** Line of each field, where the reader knows it (YAML). */
  fieldLines?: Record<string, number>;
  /** Path shown before YAML field names, e.g. `devices[3].interfaces[1]`. */
  path?: string;
  data: Record<string, unknown>;
}

export interface ImportFile {
  name: string;
  content: Buffer | string;
}

/** A problem with a record, located by file, line and the field as the file spells it. */
export function recordProblem(
  record: SourceRecord,
  key: string | null,
  message: string,
): FieldProblem {
  const spec = key ? SPECS[record.type].fields.find((f) => f.key === key) : undefined;
  const shown = key ? (record.format === 'csv' ? (spec?.column ?? key) : (spec?.yaml ?? key)) : '';
  const field =
    record.path && record.format === 'yaml'
      ? shown
        ? `${record.path}.${shown}`
        : record.path
      : shown;
  return {
    file: record.file,
    line: (key && record.fieldLines?.[key]) || record.line,
    field: field || '(record)',
    message: shown ? `${shown} ${message}` : message,
  };
}

export function fileProblem(
  file: string,
  line: number | undefined,
  message: string,
  field = '(file)',
): FieldProblem {
  return { file, line, field, message };
}

const text = (v: unknown) => (v === undefined || v === null ? '' : String(v));

/** The natural key of a record, as the importer matches it against stored objects. */
export function naturalKey(
  record: SourceRecord,
  canonical: (type: RecordType, raw: string) => string,
): string {
  const d = record.data;
  switch (record.type) {
    case 'unit':
    case 'site':
      return text(d.code);
    case 'contact':
      return text(d.email).toLowerCase();
    case 'device':
      return text(d.name);
    case 'interface':
      return `${text(d.device)}/${text(d.name)}`;
    case 'vlan':
      return `${text(d.site)}/${text(d.vid)}`;
    case 'prefix':
      return canonical('prefix', text(d.prefix));
    case 'ipAddress':
      return canonical('ipAddress', text(d.address));
    case 'circuit':
      return text(d.cid);
    case 'service':
      return `${text(d.kind)}/${text(d.hostname)}`;
    case 'contactRole':
      return `${text(d.email).toLowerCase()}|${text(d.objectType)}|${text(d.objectKey)}|${text(d.role)}`;
  }
}

/** Describes a record for messages and reports: `unit LD`, `interface core-sw/Gi0/1`. */
export function describeKey(type: RecordType, key: string): string {
  return `${type} ${key}`;
}
