import { basename } from 'node:path';
import { parse } from 'csv-parse/sync';
import { FieldProblem } from '../../common/errors';
import { fileProblem, SourceRecord } from './records';
import { CSV_FILES, SPECS, ValueKind } from './schema';

const BOOLEAN: Record<string, boolean> = {
  true: true,
  false: false,
  yes: true,
  no: false,
  '1': true,
  '0': false,
};

function convert(kind: ValueKind, cell: string): { value?: unknown; problem?: string } {
  switch (kind) {
    case 'string':
      return { value: cell };
    case 'int':
      return /^-?\d+$/.test(cell)
        ? { value: Number(cell) }
        : { problem: `must be a whole number, got "${cell}"` };
    case 'number':
      return /^-?\d+(\.\d+)?$/.test(cell)
        ? { value: Number(cell) }
        : { problem: `must be a number, got "${cell}"` };
    case 'bool': {
      const b = BOOLEAN[cell.toLowerCase()];
      return b === undefined ? { problem: `must be true or false, got "${cell}"` } : { value: b };
    }
  }
}

/**
 * Reads one CSV file; the file name (`units.csv`, `devices.csv`, ...) says the record type.
 * Header row required; unknown or missing columns are reported by name; an empty cell means
 * "not given".
 */
export function readCsv(
  name: string,
  text: string,
): { records: SourceRecord[]; problems: FieldProblem[] } {
  const file = basename(name);
  const type = CSV_FILES.get(file);
  if (!type) {
    return {
      records: [],
      problems: [
        fileProblem(
          file,
          undefined,
          `unknown CSV file name; expected one of ${[...CSV_FILES.keys()].join(', ')}`,
        ),
      ],
    };
  }
  const spec = SPECS[type];
  const byColumn = new Map(spec.fields.map((f) => [f.column, f]));
  const problems: FieldProblem[] = [];
  let header: string[] = [];
  let rows: { record: Record<string, string>; info: { bytes: number }; raw: string }[];
  try {
    rows = parse(text, {
      columns: (names: string[]) => {
        header = names.map((h) => h.trim());
        return header;
      },
      skip_empty_lines: true,
      trim: true,
      info: true,
      raw: true,
      bom: true,
    }) as { record: Record<string, string>; info: { bytes: number }; raw: string }[];
  } catch (err) {
    const e = err as Error & { lines?: number };
    return { records: [], problems: [fileProblem(file, e.lines, `CSV syntax: ${e.message}`)] };
  }
  header.forEach((column, i) => {
    if (!byColumn.has(column)) {
      // A header cell left empty (`a,b,`) still needs a field to point at: its position.
      const field = column || `(column ${i + 1})`;
      const what = column ? `unknown column "${column}"` : `column ${i + 1} has no name`;
      problems.push(
        fileProblem(
          file,
          1,
          `${what}; ${file} columns are: ${[...byColumn.keys()].join(', ')}`,
          field,
        ),
      );
    }
  });
  for (const required of spec.required) {
    const column = spec.fields.find((f) => f.key === required)?.column ?? required;
    if (!header.includes(column))
      problems.push(fileProblem(file, 1, `required column "${column}" is missing`, column));
  }
  if (problems.length) return { records: [], problems };

  // csv-parse reports the line where a record ends and counts a CRLF inside quotes twice; the
  // line people look for is where the record starts, so count newlines up to its first byte.
  const bytes = Buffer.from(text.replace(/^\uFEFF/, ''), 'utf8');
  let scanned = 0;
  let line = 1;
  const startLine = (endByte: number, raw: string) => {
    // Skipped blank lines before the record are part of its raw text: start at its first character.
    const leading = raw.length - raw.trimStart().length;
    const start =
      endByte - Buffer.byteLength(raw, 'utf8') + Buffer.byteLength(raw.slice(0, leading), 'utf8');
    for (; scanned < start; scanned++) if (bytes[scanned] === 0x0a) line++;
    return line;
  };
  const records: SourceRecord[] = [];
  for (const { record: row, info, raw } of rows) {
    const record: SourceRecord = {
      type,
      format: 'csv',
      file,
      line: startLine(info.bytes, raw),
      data: {},
    };
    for (const [column, cell] of Object.entries(row)) {
      const field = byColumn.get(column);
      if (!field || cell === '' || cell === undefined) continue;
      const { value, problem } = convert(field.kind, cell);
      if (problem)
        problems.push({ file, line: record.line, field: column, message: `${column} ${problem}` });
      else record.data[field.key] = value;
    }
    records.push(record);
  }
  return { records, problems };
}
