import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, download, FieldProblem } from '../lib/api';
import { fmtNumber } from '../lib/format';
import { html } from '../lib/html';
import { messages } from '../lib/i18n';
import { href } from '../lib/router';
import { can, useMe } from '../lib/session';
import { ErrorBox } from '../components/ui';
import { typeLabel } from '../components/inventory-types';

/** As the import API answers (src/inventory/import/importer.ts). */
interface ImportChange {
  type: string;
  key: string;
  action: 'create' | 'update';
  fields?: string[];
  file: string;
  line: number;
}
interface ImportReport {
  dryRun: boolean;
  records: number;
  summary: Record<string, { created: number; updated: number; unchanged: number }>;
  changes: ImportChange[];
  durationMs: number;
}
/** A row problem: the API's field problem with the file and line it came from. */
type RowProblem = FieldProblem & { file?: string; line?: number };

interface ReadFile {
  name: string;
  size: number;
  /** The text when the bytes are valid UTF-8; else null and the bytes go as base64. */
  text: string | null;
  base64: string | null;
}

const CSV_NAMES = [
  'units.csv',
  'contacts.csv',
  'sites.csv',
  'devices.csv',
  'interfaces.csv',
  'vlans.csv',
  'prefixes.csv',
  'ip_addresses.csv',
  'circuits.csv',
  'services.csv',
  'contact_roles.csv',
];
/** Record types in import order, as the report names them. */
const RECORD_TYPES = [
  'unit',
  'contact',
  'site',
  'device',
  'interface',
  'vlan',
  'prefix',
  'ipAddress',
  'circuit',
  'service',
  'contactRole',
];
const SHOWN = 200;

const t = messages({
  vi: {
    title: 'Nhập danh mục từ tệp',
    intro:
      'Tệp YAML (mọi loại đối tượng trong một tệp) hoặc tệp CSV theo từng loại (units.csv, devices.csv, …). Luôn chạy thử trước: chạy thử kiểm tra mọi dòng và cho biết sẽ tạo, sửa gì mà không ghi gì. Việc nhập là tất cả hoặc không có gì, và không bao giờ xoá đối tượng.',
    formatDoc: 'Định dạng tệp: docs/inventory-format.md',
    back: '← Danh mục',
    export: 'Tải bản xuất YAML hiện tại',
    step1: '1. Chọn tệp hoặc dán nội dung',
    file: 'Tệp (YAML hoặc CSV, có thể chọn nhiều tệp CSV)',
    or: 'hoặc',
    text: 'Dán nội dung',
    textFormat: 'Định dạng của nội dung dán',
    yaml: 'YAML',
    csvAs: 'CSV: {name}',
    using: 'Sẽ nhập: {what}',
    pasted: 'nội dung đã dán ({n} ký tự)',
    nothing: 'Chưa chọn tệp nào và chưa dán nội dung.',
    reading: 'Đang đọc tệp… {pct}',
    notUtf8: '{name} không phải UTF-8: máy chủ sẽ báo dòng lỗi.',
    step2: '2. Chạy thử, rồi nhập',
    dryRun: 'Chạy thử',
    apply: 'Nhập thật',
    applyHint: 'Nút “Nhập thật” chỉ bật sau một lần chạy thử không có lỗi với đúng nội dung này.',
    checking: 'Đang chạy thử… {s} giây',
    applying: 'Đang nhập… {s} giây',
    readOnly: 'Bạn chỉ có quyền xem danh mục: không thể nhập.',
    errorsTitle: 'Lỗi theo dòng ({n})',
    errFile: 'Tệp',
    errLine: 'Dòng',
    errField: 'Trường',
    errMessage: 'Lỗi',
    dryTitle: 'Kết quả chạy thử (chưa ghi gì)',
    doneTitle: 'Đã nhập xong',
    records: '{n} bản ghi, {ms} ms.',
    dryOk: 'Không có lỗi. Kiểm tra thay đổi bên dưới rồi bấm “Nhập thật”.',
    done: 'Đã ghi: {c} tạo mới, {u} cập nhật.',
    noChanges: 'Không có gì thay đổi: mọi đối tượng trong tệp đã đúng như đã lưu.',
    type: 'Loại',
    created: 'Tạo mới',
    updated: 'Cập nhật',
    unchanged: 'Không đổi',
    deleted: 'Xoá',
    neverDeletes: 'Nhập không bao giờ xoá: cột Xoá luôn bằng 0.',
    action: 'Thao tác',
    key: 'Khoá',
    fields: 'Trường thay đổi',
    where: 'Vị trí',
    changesOf: '{type}: {c} tạo mới, {u} cập nhật',
    showMore: 'Hiện thêm ({shown}/{total})',
    ipAddress: 'Địa chỉ IP',
    contactRole: 'Vai trò liên hệ',
    allFields: 'mới',
  },
  en: {
    title: 'Import the inventory from a file',
    intro:
      'A YAML file (every object type in one file) or CSV files, one per type (units.csv, devices.csv, …). Always dry-run first: a dry run checks every row and tells what would be created or changed, writing nothing. An import is all or nothing, and it never deletes objects.',
    formatDoc: 'File formats: docs/inventory-format.md',
    back: '← Inventory',
    export: 'Download the current YAML export',
    step1: '1. Choose files or paste text',
    file: 'File (YAML or CSV; several CSV files may be chosen)',
    or: 'or',
    text: 'Paste text',
    textFormat: 'Format of the pasted text',
    yaml: 'YAML',
    csvAs: 'CSV: {name}',
    using: 'To import: {what}',
    pasted: 'pasted text ({n} characters)',
    nothing: 'No file chosen and no text pasted yet.',
    reading: 'Reading files… {pct}',
    notUtf8: '{name} is not UTF-8: the server will name the bad line.',
    step2: '2. Dry run, then import',
    dryRun: 'Dry run',
    apply: 'Import for real',
    applyHint:
      '“Import for real” is enabled only after a dry run of exactly this input without errors.',
    checking: 'Dry run in progress… {s} s',
    applying: 'Importing… {s} s',
    readOnly: 'You may only read the inventory: importing is not allowed.',
    errorsTitle: 'Row errors ({n})',
    errFile: 'File',
    errLine: 'Line',
    errField: 'Field',
    errMessage: 'Problem',
    dryTitle: 'Dry-run result (nothing written)',
    doneTitle: 'Import done',
    records: '{n} records, {ms} ms.',
    dryOk: 'No errors. Check the changes below, then press “Import for real”.',
    done: 'Written: {c} created, {u} updated.',
    noChanges: 'Nothing would change: every object in the input is already stored as given.',
    type: 'Type',
    created: 'Created',
    updated: 'Updated',
    unchanged: 'Unchanged',
    deleted: 'Deleted',
    neverDeletes: 'An import never deletes: the Deleted column is always 0.',
    action: 'Action',
    key: 'Key',
    fields: 'Changed fields',
    where: 'Where',
    changesOf: '{type}: {c} created, {u} updated',
    showMore: 'Show more ({shown}/{total})',
    ipAddress: 'IP address',
    contactRole: 'Contact role',
    allFields: 'new',
  },
});

function recordLabel(type: string): string {
  if (type === 'ipAddress' || type === 'contactRole') return t(type);
  return typeLabel(type);
}

function readAsArrayBuffer(file: File, onProgress: (loaded: number) => void): Promise<ArrayBuffer> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onprogress = (e) => onProgress(e.loaded);
    reader.onload = () => resolve(reader.result as ArrayBuffer);
    reader.onerror = () => reject(reader.error ?? new Error(`cannot read ${file.name}`));
    reader.readAsArrayBuffer(file);
  });
}

/** Base64 in slices, so a 20 MB file neither blows the argument limit nor freezes the tab. */
async function toBase64(bytes: Uint8Array): Promise<string> {
  const parts: string[] = [];
  const slice = 0x8000;
  for (let i = 0; i < bytes.length; i += slice) {
    parts.push(String.fromCharCode(...bytes.subarray(i, i + slice)));
    if (i % (slice * 64) === 0) await new Promise((r) => setTimeout(r, 0));
  }
  return btoa(parts.join(''));
}

async function readFiles(
  list: File[],
  onProgress: (fraction: number) => void,
): Promise<ReadFile[]> {
  const total = list.reduce((n, f) => n + f.size, 0) || 1;
  let before = 0;
  const out: ReadFile[] = [];
  for (const file of list) {
    const buffer = await readAsArrayBuffer(file, (loaded) => onProgress((before + loaded) / total));
    before += file.size;
    const bytes = new Uint8Array(buffer);
    let text: string | null = null;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      // Not UTF-8: send the bytes untouched, and the server says which line is wrong.
    }
    out.push({
      name: file.name,
      size: file.size,
      text,
      base64: text === null ? await toBase64(bytes) : null,
    });
  }
  return out;
}

const contentTypeOf = (name: string) =>
  /\.csv$/i.test(name) ? 'text/csv' : /\.ya?ml$/i.test(name) ? 'application/yaml' : null;

/** Import a YAML or CSV file: dry run with the diff and row errors first, then apply. */
export function InventoryImportPage() {
  const me = useMe();
  const writer = can(me, 'inventory', true);
  // The export is the whole province: offered only to callers not limited to one unit.
  const [source, setSource] = useState<'file' | 'text'>('file');
  const [files, setFiles] = useState<ReadFile[]>([]);
  const [reading, setReading] = useState<number | null>(null);
  const [text, setText] = useState('');
  const [textFormat, setTextFormat] = useState('yaml');
  // Every change of the input gets a new version; "apply" needs a clean dry run of this one.
  const [version, setVersion] = useState(0);
  const [checked, setChecked] = useState(-1);
  const [busy, setBusy] = useState<'' | 'dry' | 'apply'>('');
  const [elapsed, setElapsed] = useState(0);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<Error | null>(null);

  useEffect(() => {
    if (!busy) return;
    const started = Date.now();
    setElapsed(0);
    const timer = setInterval(() => setElapsed(Math.round((Date.now() - started) / 1000)), 1000);
    return () => clearInterval(timer);
  }, [busy]);

  // The result lands below the buttons, often below the fold: bring it into view.
  useEffect(() => {
    if (report || error)
      document
        .getElementById('imp-result')
        ?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [report, error]);

  const changed = () => {
    setVersion((v) => v + 1);
    setReport(null);
    setError(null);
  };

  const onFiles = async (e: Event) => {
    const input = e.target as HTMLInputElement;
    const list = [...(input.files ?? [])];
    changed();
    setSource('file');
    setFiles([]);
    if (!list.length) return;
    setReading(0);
    try {
      setFiles(await readFiles(list, setReading));
    } catch (err) {
      setError(err as Error);
    } finally {
      setReading(null);
    }
  };

  const hasInput = source === 'file' ? files.length > 0 : text.trim() !== '';

  const send = (dryRun: boolean): Promise<ImportReport> => {
    const path = '/api/inventory/import';
    if (source === 'text') {
      const csv = textFormat !== 'yaml';
      return api<ImportReport>(path, {
        method: 'POST',
        query: { dryRun, file: csv ? textFormat : 'pasted.yaml' },
        body: text,
        contentType: csv ? 'text/csv' : 'application/yaml',
      });
    }
    const one = files.length === 1 ? files[0] : null;
    const type = one && one.text !== null ? contentTypeOf(one.name) : null;
    if (one && type) {
      // One file goes as it is, with its own content type.
      return api<ImportReport>(path, {
        method: 'POST',
        query: { dryRun, file: one.name },
        body: one.text,
        contentType: type,
      });
    }
    // Several files (or bytes that are not UTF-8) go together in the JSON form.
    return api<ImportReport>(path, {
      method: 'POST',
      body: {
        dryRun,
        files: files.map((f) =>
          f.text !== null
            ? { name: f.name, content: f.text }
            : { name: f.name, content: f.base64, encoding: 'base64' },
        ),
      },
    });
  };

  const run = async (dryRun: boolean) => {
    setBusy(dryRun ? 'dry' : 'apply');
    setError(null);
    setReport(null);
    const at = version;
    try {
      const result = await send(dryRun);
      setReport(result);
      // A clean dry run unlocks "apply"; an import done consumes it.
      setChecked(dryRun ? at : -1);
    } catch (err) {
      setError(err as Error);
      setChecked(-1);
    } finally {
      setBusy('');
    }
  };

  const rowErrors: RowProblem[] =
    error instanceof ApiError && error.status === 400 ? (error.details as RowProblem[]) : [];
  const canApply = writer && hasInput && busy === '' && reading === null && checked === version;

  const using =
    source === 'file'
      ? files.map((f) => `${f.name} (${fmtNumber(f.size / 1024, 1)} KB)`).join(', ')
      : t('pasted', { n: fmtNumber(text.length) });

  return html`
    <h1 id="page-title">${t('title')}</h1>
    <p class="inv-links">
      <a href=${href('/inventory')}>${t('back')}</a>
      ${
        !me.unitId &&
        html`<button
          type="button"
          onClick=${() =>
            download('/api/inventory/export', 'inventory.yaml', { format: 'yaml' }).catch(
              (e: Error) => setError(e),
            )}
        >
          ${t('export')}
        </button>`
      }
    </p>
    <p class="inv-intro">${t('intro')}</p>
    <p class="muted small">${t('formatDoc')}</p>
    ${!writer && html`<p class="error" role="alert">${t('readOnly')}</p>`}

    <section class="card" aria-labelledby="imp-step1">
      <h2 id="imp-step1">${t('step1')}</h2>
      <label for="imp-file">${t('file')}</label>
      <input
        id="imp-file"
        type="file"
        data-testid="import-file"
        accept=".yaml,.yml,.csv,application/yaml,text/csv"
        multiple
        disabled=${!writer || busy !== ''}
        onChange=${onFiles}
      />
      ${
        reading !== null &&
        html`<p role="status" class="inv-progress">
          <progress max="1" value=${reading}></progress>
          ${t('reading', { pct: `${Math.round(reading * 100)} %` })}
        </p>`
      }
      ${files
        .filter((f) => f.text === null)
        .map((f) => html`<p class="muted small">${t('notUtf8', { name: f.name })}</p>`)}
      <p class="muted inv-or">${t('or')}</p>
      <div class="inv-paste">
        <label for="imp-text">${t('text')}</label>
        <textarea
          id="imp-text"
          data-testid="import-text"
          rows="8"
          spellcheck=${false}
          disabled=${!writer || busy !== ''}
          value=${text}
          placeholder=${'version: 1\nunits:\n  - code: …'}
          onInput=${(e: Event) => {
            setText((e.target as HTMLTextAreaElement).value);
            setSource('text');
            changed();
          }}
        ></textarea>
        <label for="imp-format">${t('textFormat')}</label>
        <select
          id="imp-format"
          disabled=${!writer || busy !== ''}
          onChange=${(e: Event) => {
            setTextFormat((e.target as HTMLSelectElement).value);
            if (text) {
              setSource('text');
              changed();
            }
          }}
        >
          <option value="yaml" selected=${textFormat === 'yaml'}>${t('yaml')}</option>
          ${CSV_NAMES.map(
            (n) =>
              html`<option value=${n} selected=${textFormat === n}>
                ${t('csvAs', { name: n })}
              </option>`,
          )}
        </select>
      </div>
      <p class="inv-using" aria-live="polite">
        <strong>${hasInput ? t('using', { what: using }) : t('nothing')}</strong>
      </p>
    </section>

    <section class="card" aria-labelledby="imp-step2">
      <h2 id="imp-step2">${t('step2')}</h2>
      <div class="inv-buttons">
        <button
          type="button"
          class="primary"
          data-testid="import-dry-run"
          disabled=${!writer || !hasInput || busy !== '' || reading !== null}
          onClick=${() => run(true)}
        >
          ${t('dryRun')}
        </button>
        <button
          type="button"
          data-testid="import-apply"
          disabled=${!canApply}
          aria-describedby="imp-apply-hint"
          onClick=${() => run(false)}
        >
          ${t('apply')}
        </button>
        ${
          busy &&
          html`<span role="status" class="inv-busy">
            <span class="inv-spinner" aria-hidden="true"></span>
            ${t(busy === 'dry' ? 'checking' : 'applying', { s: elapsed })}
          </span>`
        }
      </div>
      <p class="muted small" id="imp-apply-hint">${t('applyHint')}</p>
      <div id="imp-result">
        ${error && rowErrors.length === 0 && html`<${ErrorBox} error=${error} />`}
        ${rowErrors.length > 0 && html`<${RowErrors} message=${error?.message ?? ''} problems=${rowErrors} />`}
        ${report && html`<${Diff} report=${report} />`}
      </div>
    </section>
  `;
}

function RowErrors({ message, problems }: { message: string; problems: RowProblem[] }) {
  return html`<div class="error" role="alert">
      <strong>${message}</strong>
    </div>
    <h3>${t('errorsTitle', { n: problems.length })}</h3>
    <div class="table-wrap">
      <table data-testid="import-errors" class="inv-stack">
        <thead>
          <tr>
            <th scope="col">${t('errFile')}</th>
            <th scope="col" class="num">${t('errLine')}</th>
            <th scope="col">${t('errField')}</th>
            <th scope="col">${t('errMessage')}</th>
          </tr>
        </thead>
        <tbody>
          ${problems.map(
            (p) =>
              html`<tr>
                <td data-label=${t('errFile')}>${p.file ?? '—'}</td>
                <td class="num" data-label=${t('errLine')}>${p.line ?? '—'}</td>
                <td data-label=${t('errField')}><code>${p.field}</code></td>
                <td data-label=${t('errMessage')}>${p.message}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
}

function Diff({ report }: { report: ImportReport }) {
  const types = RECORD_TYPES.filter((ty) => {
    const s = report.summary[ty];
    return s && s.created + s.updated + s.unchanged > 0;
  });
  const created = types.reduce((n, ty) => n + report.summary[ty].created, 0);
  const updated = types.reduce((n, ty) => n + report.summary[ty].updated, 0);
  return html`<div data-testid="import-diff" class="inv-diff">
    <h3>${report.dryRun ? t('dryTitle') : t('doneTitle')}</h3>
    <p class="ok" role="status">
      ${report.dryRun ? t('dryOk') : t('done', { c: fmtNumber(created), u: fmtNumber(updated) })}
      ${' '}${t('records', { n: fmtNumber(report.records), ms: fmtNumber(report.durationMs) })}
    </p>
    ${created + updated === 0 && html`<p>${t('noChanges')}</p>`}
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">${t('type')}</th>
            <th scope="col" class="num">${t('created')}</th>
            <th scope="col" class="num">${t('updated')}</th>
            <th scope="col" class="num">${t('deleted')}</th>
            <th scope="col" class="num">${t('unchanged')}</th>
          </tr>
        </thead>
        <tbody>
          ${types.map((ty) => {
            const s = report.summary[ty];
            return html`<tr>
              <th scope="row">${recordLabel(ty)}</th>
              <td class="num diff-add">${fmtNumber(s.created)}</td>
              <td class="num diff-change">${fmtNumber(s.updated)}</td>
              <td class="num">0</td>
              <td class="num muted">${fmtNumber(s.unchanged)}</td>
            </tr>`;
          })}
        </tbody>
      </table>
    </div>
    <p class="muted small">${t('neverDeletes')}</p>
    ${types
      .filter((ty) => report.summary[ty].created + report.summary[ty].updated > 0)
      .map(
        (ty) =>
          html`<${TypeChanges}
            key=${ty}
            type=${ty}
            changes=${report.changes.filter((c) => c.type === ty)}
            summary=${report.summary[ty]}
          />`,
      )}
  </div>`;
}

function TypeChanges({
  type,
  changes,
  summary,
}: {
  type: string;
  changes: ImportChange[];
  summary: { created: number; updated: number };
}) {
  const [shown, setShown] = useState(SHOWN);
  return html`<details class="inv-changes" open=${changes.length <= 50}>
    <summary>
      ${t('changesOf', {
        type: recordLabel(type),
        c: fmtNumber(summary.created),
        u: fmtNumber(summary.updated),
      })}
    </summary>
    <div class="table-wrap">
      <table class="inv-stack">
        <thead>
          <tr>
            <th scope="col">${t('action')}</th>
            <th scope="col">${t('key')}</th>
            <th scope="col">${t('fields')}</th>
            <th scope="col">${t('where')}</th>
          </tr>
        </thead>
        <tbody>
          ${changes.slice(0, shown).map(
            (c) =>
              html`<tr>
                <td data-label=${t('action')}>
                  ${
                    c.action === 'create'
                      ? html`<span class="diff-add">+ ${t('created')}</span>`
                      : html`<span class="diff-change">~ ${t('updated')}</span>`
                  }
                </td>
                <td data-label=${t('key')}><code>${c.key}</code></td>
                <td data-label=${t('fields')}>
                  ${
                    c.fields?.length
                      ? c.fields.map((f) => html`<code class="inv-fieldname">${f}</code> `)
                      : html`<span class="muted">${t('allFields')}</span>`
                  }
                </td>
                <td class="small" data-label=${t('where')}>${c.file}:${c.line}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    ${
      changes.length > shown &&
      html`<button type="button" onClick=${() => setShown(shown + SHOWN * 5)}>
        ${t('showMore', { shown, total: changes.length })}
      </button>`
    }
  </details>`;
}
