import { isMap, isScalar, isSeq, LineCounter, Node, Pair, parseDocument, YAMLMap } from 'yaml';
import { FieldProblem } from '../../common/errors';
import { fileProblem, SourceRecord } from './records';
import { RecordType, SPECS, ValueKind, WITH_CONTACTS } from './schema';

interface ReadResult {
  records: SourceRecord[];
  problems: FieldProblem[];
}

const SECTIONS = new Map(
  Object.values(SPECS)
    .filter((s) => s.section)
    .map((s) => [s.section as string, s.type]),
);

/** Nested objects in YAML that flatten into prefixed keys. */
const NESTED: Partial<Record<RecordType, Record<string, string>>> = {
  device: { snmp: 'snmp' },
  circuit: { a: 'a', z: 'z' },
};

function naturalKeyOf(type: RecordType, data: Record<string, unknown>): string {
  if (type === 'service') return `${String(data.kind ?? '')}/${String(data.hostname ?? '')}`;
  return String(data[type === 'circuit' ? 'cid' : type === 'device' ? 'name' : 'code'] ?? '');
}

/**
 * Reads the YAML inventory format (docs/inventory-format.md): sections of records, devices with
 * nested interfaces and addresses, `contacts:` lists on objects. Every record and field keeps its
 * line so errors can point at it.
 */
export function readYaml(file: string, text: string): ReadResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  const problems: FieldProblem[] = [];
  const records: SourceRecord[] = [];
  const lineOf = (node: Node | null | undefined) =>
    node?.range ? lineCounter.linePos(node.range[0]).line : undefined;

  for (const err of doc.errors)
    problems.push(
      fileProblem(file, err.linePos?.[0].line, `YAML syntax: ${err.message.split('\n')[0]}`),
    );
  if (problems.length) return { records, problems };
  if (doc.contents === null) return { records, problems };
  if (!isMap(doc.contents))
    return {
      records,
      problems: [
        fileProblem(file, 1, 'the file must be a YAML mapping of sections (units:, sites:, ...)'),
      ],
    };

  const toValue = (node: unknown, kind: ValueKind): { value?: unknown; problem?: string } => {
    if (!isScalar(node)) return { problem: 'must be a single value, not a list or mapping' };
    const v = node.value;
    if (v === null || v === undefined || v === '') return {};
    switch (kind) {
      case 'string':
        if (typeof v === 'string') return { value: v };
        // An unquoted `+84909000001` or `0012` is a number to YAML; keep what was written.
        if (typeof v === 'number' || typeof v === 'boolean')
          return { value: node.source ?? String(v) };
        return { problem: 'must be text' };
      case 'int':
        return typeof v === 'number' && Number.isInteger(v)
          ? { value: v }
          : { problem: 'must be a whole number' };
      case 'number':
        return typeof v === 'number' && Number.isFinite(v)
          ? { value: v }
          : { problem: 'must be a number' };
      case 'bool':
        return typeof v === 'boolean' ? { value: v } : { problem: 'must be true or false' };
    }
  };

  /** Reads a mapping into a record of `type`; nested keys listed in `extra` are returned raw. */
  const readRecord = (
    type: RecordType,
    node: unknown,
    path: string,
    extra: string[],
  ): { record?: SourceRecord; raw: Record<string, Pair> } => {
    const raw: Record<string, Pair> = {};
    if (!isMap(node)) {
      problems.push({
        file,
        line: lineOf(node as Node),
        field: path,
        message: `${path} must be a mapping of fields`,
      });
      return { raw };
    }
    const spec = SPECS[type];
    const byYaml = new Map(spec.fields.map((f) => [f.yaml, f]));
    const record: SourceRecord = {
      type,
      format: 'yaml',
      file,
      line: lineOf(node) ?? 1,
      path,
      data: {},
      fieldLines: {},
    };
    const visit = (map: YAMLMap, prefix: string) => {
      for (const pair of map.items) {
        const name = isScalar(pair.key) ? String(pair.key.value) : '?';
        const shown = prefix ? `${prefix}.${name}` : name;
        const line = lineOf(pair.key as Node) ?? record.line;
        if (!prefix && NESTED[type]?.[name]) {
          if (pair.value === null || (isScalar(pair.value) && pair.value.value === null)) continue;
          if (!isMap(pair.value)) {
            problems.push({
              file,
              line,
              field: `${path}.${shown}`,
              message: `${shown} must be a mapping`,
            });
            continue;
          }
          visit(pair.value, name);
          continue;
        }
        if (!prefix && extra.includes(name)) {
          raw[name] = pair;
          continue;
        }
        const field = byYaml.get(shown);
        if (!field) {
          const known = [...byYaml.keys(), ...extra, ...Object.keys(NESTED[type] ?? {})].filter(
            (k) => !k.includes('.'),
          );
          problems.push({
            file,
            line,
            field: `${path}.${shown}`,
            message: `${shown} is not a field of ${type}; known: ${known.join(', ')}`,
          });
          continue;
        }
        const { value, problem } = toValue(pair.value, field.kind);
        if (problem)
          problems.push({ file, line, field: `${path}.${shown}`, message: `${shown} ${problem}` });
        else if (value !== undefined) {
          record.data[field.key] = value;
          record.fieldLines![field.key] = line;
        }
      }
    };
    visit(node, '');
    return { record, raw };
  };

  const contactsOf = (
    type: RecordType,
    parent: SourceRecord,
    pair: Pair | undefined,
    path: string,
  ) => {
    if (!pair || pair.value === null) return;
    if (!isSeq(pair.value)) {
      problems.push({
        file,
        line: lineOf(pair.key as Node),
        field: `${path}.contacts`,
        message: 'contacts must be a list of {email, role}',
      });
      return;
    }
    pair.value.items.forEach((item, i) => {
      const { record } = readRecord('contactRole', item, `${path}.contacts[${i}]`, []);
      if (!record) return;
      // Inside an object the object is implied; only email and role are written.
      record.data.objectType = WITH_CONTACTS[type];
      record.data.objectKey = naturalKeyOf(type, parent.data);
      records.push(record);
    });
  };

  for (const top of doc.contents.items) {
    const name = isScalar(top.key) ? String(top.key.value) : '?';
    const line = lineOf(top.key as Node);
    if (name === 'version') {
      if (!isScalar(top.value) || top.value.value !== 1)
        problems.push(fileProblem(file, line, 'version must be 1', 'version'));
      continue;
    }
    const type = SECTIONS.get(name);
    if (!type) {
      problems.push(
        fileProblem(
          file,
          line,
          `unknown section ${name}; known: version, ${[...SECTIONS.keys()].join(', ')}`,
          name,
        ),
      );
      continue;
    }
    if (top.value === null || (isScalar(top.value) && top.value.value === null)) continue;
    if (!isSeq(top.value)) {
      problems.push(fileProblem(file, line, `${name} must be a list`, name));
      continue;
    }
    top.value.items.forEach((item, i) => {
      const path = `${name}[${i}]`;
      const extra = [
        ...(WITH_CONTACTS[type] ? ['contacts'] : []),
        ...(type === 'device' ? ['interfaces'] : []),
      ];
      const { record, raw } = readRecord(type, item, path, extra);
      if (!record) return;
      records.push(record);
      contactsOf(type, record, raw.contacts, path);
      const interfaces = raw.interfaces;
      if (!interfaces || interfaces.value === null) return;
      if (!isSeq(interfaces.value)) {
        problems.push({
          file,
          line: lineOf(interfaces.key as Node),
          field: `${path}.interfaces`,
          message: 'interfaces must be a list',
        });
        return;
      }
      interfaces.value.items.forEach((ifNode, j) => {
        const ifPath = `${path}.interfaces[${j}]`;
        const { record: ifRecord, raw: ifRaw } = readRecord('interface', ifNode, ifPath, [
          'addresses',
        ]);
        if (!ifRecord) return;
        if ('device' in ifRecord.data) {
          problems.push({
            file,
            line: ifRecord.line,
            field: `${ifPath}.device`,
            message: 'device is implied by the enclosing device; remove it',
          });
        }
        ifRecord.data.device = record.data.name;
        records.push(ifRecord);
        const addresses = ifRaw.addresses;
        if (!addresses || addresses.value === null) return;
        if (!isSeq(addresses.value)) {
          problems.push({
            file,
            line: lineOf(addresses.key as Node),
            field: `${ifPath}.addresses`,
            message: 'addresses must be a list such as ["198.51.100.1/26"]',
          });
          return;
        }
        addresses.value.items.forEach((addrNode, k) => {
          const addrPath = `${ifPath}.addresses[${k}]`;
          const { value, problem } = toValue(addrNode, 'string');
          const addrLine = lineOf(addrNode as Node) ?? ifRecord.line;
          if (problem || value === undefined) {
            problems.push({
              file,
              line: addrLine,
              field: addrPath,
              message: `${addrPath} ${problem ?? 'is empty'}`,
            });
            return;
          }
          records.push({
            type: 'ipAddress',
            format: 'yaml',
            file,
            line: addrLine,
            path: addrPath,
            data: { address: value, device: record.data.name, interface: ifRecord.data.name },
            fieldLines: { address: addrLine },
          });
        });
      });
    });
  }
  return { records, problems };
}
