import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { api, download } from '../lib/api';
import { html } from '../lib/html';
import { useApi } from '../lib/hooks';
import { lang, messages } from '../lib/i18n';
import { can, useMe } from '../lib/session';
import { ErrorBox } from './ui';
import { IncidentDetail, isActive, statusLabel, TRANSITIONS } from './incident-common';
import { FieldError, fieldProblems, fromVnLocalInput, toVnLocalInput } from './incident-fields';

const t = messages({
  vi: {
    ack: 'Tiếp nhận sự cố',
    acked: 'Đã tiếp nhận sự cố.',
    status: 'Đổi trạng thái',
    newStatus: 'Trạng thái mới',
    statusNote: 'Ghi chú kèm theo (không bắt buộc)',
    statusSubmit: 'Đổi trạng thái',
    statusDone: 'Đã đổi trạng thái thành “{s}”.',
    final: 'Sự cố đã đóng: không đổi trạng thái được nữa.',
    choose: '— chọn —',
    assign: 'Giao xử lý',
    assignee: 'Người xử lý',
    assignHint: 'Tên đăng nhập hoặc tên nhóm.',
    assignSubmit: 'Giao',
    assignMe: 'Giao cho tôi',
    unassign: 'Bỏ giao',
    assigned: 'Đã giao cho {who}.',
    unassigned: 'Đã bỏ giao.',
    note: 'Thêm ghi chú',
    noteText: 'Nội dung ghi chú',
    noteSubmit: 'Thêm ghi chú',
    noted: 'Đã thêm ghi chú.',
    reported: 'Ghi nhận đã báo cáo cấp trên',
    reportedAt: 'Thời điểm gửi báo cáo (giờ Việt Nam)',
    reference: 'Số hiệu văn bản / tham chiếu',
    reportedSubmit: 'Ghi nhận đã báo cáo',
    reportedDone: 'Đã ghi nhận báo cáo.',
    reportedFix: 'Sửa thông tin báo cáo',
    badTime: 'Thời điểm không hợp lệ.',
    download: 'Tải báo cáo sự cố (PDF)',
    type: 'Loại báo cáo',
    initial: 'Báo cáo ban đầu',
    final_: 'Báo cáo kết thúc',
    finalLater: 'Báo cáo kết thúc có khi sự cố đã khắc phục hoặc đã đóng.',
    language: 'Ngôn ngữ',
    vi: 'Tiếng Việt',
    en: 'Tiếng Anh',
    downloadSubmit: 'Tải PDF',
    downloaded: 'Đã tải {name}.',
  },
  en: {
    ack: 'Acknowledge',
    acked: 'Incident acknowledged.',
    status: 'Change status',
    newStatus: 'New status',
    statusNote: 'Note with the change (optional)',
    statusSubmit: 'Change status',
    statusDone: 'Status changed to “{s}”.',
    final: 'The incident is closed: its status cannot change any more.',
    choose: '— choose —',
    assign: 'Assign',
    assignee: 'Assignee',
    assignHint: 'A username or team name.',
    assignSubmit: 'Assign',
    assignMe: 'Assign to me',
    unassign: 'Unassign',
    assigned: 'Assigned to {who}.',
    unassigned: 'Unassigned.',
    note: 'Add a note',
    noteText: 'Note',
    noteSubmit: 'Add note',
    noted: 'Note added.',
    reported: 'Record the upward report',
    reportedAt: 'When the report was sent (Vietnam time)',
    reference: 'Dispatch number / reference',
    reportedSubmit: 'Record report',
    reportedDone: 'Report recorded.',
    reportedFix: 'Correct the report record',
    badTime: 'Not a valid time.',
    download: 'Download the incident report (PDF)',
    type: 'Report',
    initial: 'Initial report',
    final_: 'Final report',
    finalLater: 'The final report exists once the incident is resolved or closed.',
    language: 'Language',
    vi: 'Vietnamese',
    en: 'English',
    downloadSubmit: 'Download PDF',
    downloaded: 'Downloaded {name}.',
  },
});

/** Runs one action; the page shows the confirmation or the error and reloads the incident. */
export type Act = (
  fn: () => Promise<unknown>,
  ok: string,
  source?: ActionSource,
) => Promise<boolean>;

/** Which form an error belongs to (its field problems are shown there only). */
export type ActionSource = 'status' | 'assign' | 'note' | 'reported';

const base = (i: IncidentDetail) => `/api/incidents/${i.id}`;

interface ActionProps {
  incident: IncidentDetail;
  act: Act;
  busy: boolean;
}
interface FormProps extends ActionProps {
  error: Error | null;
}

/** Ties a control to its error text (or, without errors, to an optional hint). */
function errorAttrs(messages: string[] | undefined, errorId: string, hintId?: string) {
  return {
    'aria-invalid': messages ? 'true' : undefined,
    'aria-describedby': messages ? errorId : hintId,
  };
}

/** A form's submit button, with any further buttons after it. */
function SubmitRow({
  testid,
  disabled,
  label,
  children,
}: {
  testid: string;
  disabled: boolean;
  label: string;
  children?: ComponentChildren;
}) {
  return html`<div class="inc-actions">
    <button type="submit" data-testid=${testid} disabled=${disabled}>${label}</button>
    ${children}
  </div>`;
}

export function AckButton({ incident, act, busy }: ActionProps) {
  if (incident.status !== 'open') return null;
  return html`<button
    type="button"
    class="primary"
    data-testid="incident-ack"
    disabled=${busy}
    onClick=${() =>
      act(
        () =>
          api(`${base(incident)}/status`, { method: 'PATCH', body: { status: 'acknowledged' } }),
        t('acked'),
      )}
  >
    ✓ ${t('ack')}
  </button>`;
}

export function StatusForm({ incident, act, busy, error }: FormProps) {
  const [to, setTo] = useState('');
  const [note, setNote] = useState('');
  const allowed = TRANSITIONS[incident.status] ?? [];
  const problems = fieldProblems(error);
  if (!allowed.length)
    return html`<section class="card">
      <h2>${t('status')}</h2>
      <p class="muted">${t('final')}</p>
    </section>`;
  const submit = async (e: Event) => {
    e.preventDefault();
    const body: Record<string, unknown> = { status: to || null };
    if (note.trim()) body.note = note.trim();
    const done = await act(
      () => api(`${base(incident)}/status`, { method: 'PATCH', body }),
      t('statusDone', { s: statusLabel(to) }),
      'status',
    );
    if (done) {
      setTo('');
      setNote('');
    }
  };
  return html`<form class="card" onSubmit=${submit} novalidate>
    <h2>${t('status')}</h2>
    <${ErrorBox} error=${error} />
    <label for="incident-status-to">${t('newStatus')}</label>
    <select
      id="incident-status-to"
      data-testid="incident-status"
      value=${to}
      ...${errorAttrs(problems.status, 'incident-status-error')}
      onChange=${(e: Event) => setTo((e.target as HTMLSelectElement).value)}
    >
      <option value="">${t('choose')}</option>
      ${allowed.map((s) => html`<option value=${s}>${statusLabel(s)}</option>`)}
    </select>
    <${FieldError} id="incident-status-error" messages=${problems.status} />
    <label for="incident-status-note">${t('statusNote')}</label>
    <textarea
      id="incident-status-note"
      class="inc-prose"
      rows="2"
      maxlength="20000"
      value=${note}
      onInput=${(e: Event) => setNote((e.target as HTMLTextAreaElement).value)}
    ></textarea>
    <${SubmitRow}
      testid="incident-status-submit"
      disabled=${busy || !to}
      label=${t('statusSubmit')}
    />
  </form>`;
}

interface UserRow {
  username: string;
  displayName: string | null;
  disabled: boolean;
}

export function AssignForm({ incident, act, busy, error }: FormProps) {
  const me = useMe();
  // Only user managers may list users; everyone else types the name (the API takes any name).
  const users = useApi<{ items: UserRow[] }>(can(me, 'users') ? '/api/users' : null);
  const [who, setWho] = useState(incident.assignee ?? '');
  const problems = fieldProblems(error);
  const assign = (assignee: string | null) =>
    act(
      () => api(`${base(incident)}/assignee`, { method: 'PATCH', body: { assignee } }),
      assignee ? t('assigned', { who: assignee }) : t('unassigned'),
      'assign',
    );
  return html`<form
    class="card"
    novalidate
    onSubmit=${(e: Event) => {
      e.preventDefault();
      void assign(who.trim() || null);
    }}
  >
    <h2>${t('assign')}</h2>
    <${ErrorBox} error=${error} />
    <label for="incident-assignee">${t('assignee')}</label>
    <input
      id="incident-assignee"
      data-testid="incident-assign"
      list=${users.data ? 'incident-assignee-users' : undefined}
      maxlength="200"
      autocomplete="off"
      value=${who}
      ...${errorAttrs(problems.assignee, 'incident-assignee-error', 'incident-assignee-hint')}
      onInput=${(e: Event) => setWho((e.target as HTMLInputElement).value)}
    />
    ${
      users.data &&
      html`<datalist id="incident-assignee-users">
        ${users.data.items
          .filter((u) => !u.disabled)
          .map((u) => html`<option value=${u.username}>${u.displayName ?? u.username}</option>`)}
      </datalist>`
    }
    <p class="muted small" id="incident-assignee-hint">${t('assignHint')}</p>
    <${FieldError} id="incident-assignee-error" messages=${problems.assignee} />
    <${SubmitRow}
      testid="incident-assign-submit"
      disabled=${busy || !who.trim()}
      label=${t('assignSubmit')}
    >
      ${
        incident.assignee !== me.username &&
        html`<button
          type="button"
          data-testid="incident-assign-me"
          disabled=${busy}
          onClick=${() => {
            setWho(me.username);
            void assign(me.username);
          }}
        >
          ${t('assignMe')}
        </button>`
      }
      ${
        incident.assignee &&
        html`<button
          type="button"
          disabled=${busy}
          onClick=${() => {
            setWho('');
            void assign(null);
          }}
        >
          ${t('unassign')}
        </button>`
      }
    </${SubmitRow}>
  </form>`;
}

export function NoteForm({ incident, act, busy, error }: FormProps) {
  const [text, setText] = useState('');
  const problems = fieldProblems(error);
  const submit = async (e: Event) => {
    e.preventDefault();
    const done = await act(
      () => api(`${base(incident)}/notes`, { method: 'POST', body: { text: text.trim() } }),
      t('noted'),
      'note',
    );
    if (done) setText('');
  };
  return html`<form class="card" onSubmit=${submit} novalidate>
    <h2>${t('note')}</h2>
    <${ErrorBox} error=${error} />
    <label for="incident-note-text">${t('noteText')}</label>
    <textarea
      id="incident-note-text"
      class="inc-prose"
      data-testid="incident-note"
      rows="3"
      maxlength="20000"
      value=${text}
      ...${errorAttrs(problems.text, 'incident-note-error')}
      onInput=${(e: Event) => setText((e.target as HTMLTextAreaElement).value)}
    ></textarea>
    <${FieldError} id="incident-note-error" messages=${problems.text} />
    <${SubmitRow}
      testid="incident-note-submit"
      disabled=${busy || !text.trim()}
      label=${t('noteSubmit')}
    />
  </form>`;
}

export function ReportedForm({ incident, act, busy, error }: FormProps) {
  const [at, setAt] = useState(() =>
    toVnLocalInput(incident.reportedAt ? new Date(incident.reportedAt) : new Date()),
  );
  const [reference, setReference] = useState(incident.reportReference ?? '');
  const [localError, setLocalError] = useState<string | null>(null);
  const problems = fieldProblems(error);
  const timeProblems = localError ? [localError] : problems.reportedAt;
  const submit = async (e: Event) => {
    e.preventDefault();
    const reportedAt = fromVnLocalInput(at);
    if (!reportedAt) {
      setLocalError(t('badTime'));
      return;
    }
    setLocalError(null);
    await act(
      () =>
        api(`${base(incident)}/reported`, {
          method: 'PATCH',
          body: { reportedAt, reference: reference.trim() || null },
        }),
      t('reportedDone'),
      'reported',
    );
  };
  const form = html`<form onSubmit=${submit} novalidate>
    <${ErrorBox} error=${error} />
    <label for="incident-reported-at">${t('reportedAt')}</label>
    <input
      id="incident-reported-at"
      type="datetime-local"
      value=${at}
      ...${errorAttrs(timeProblems, 'incident-reported-at-error')}
      onInput=${(e: Event) => setAt((e.target as HTMLInputElement).value)}
    />
    <${FieldError} id="incident-reported-at-error" messages=${timeProblems} />
    <label for="incident-reported-ref">${t('reference')}</label>
    <input
      id="incident-reported-ref"
      maxlength="200"
      value=${reference}
      ...${errorAttrs(problems.reference, 'incident-reported-ref-error')}
      onInput=${(e: Event) => setReference((e.target as HTMLInputElement).value)}
    />
    <${FieldError} id="incident-reported-ref-error" messages=${problems.reference} />
    <${SubmitRow} testid="incident-reported-submit" disabled=${busy} label=${t('reportedSubmit')} />
  </form>`;
  return html`<section class="card">
    <h2>${t('reported')}</h2>
    ${
      incident.reportedAt
        ? html`<details>
            <summary>${t('reportedFix')}</summary>
            ${form}
          </details>`
        : form
    }
  </section>`;
}

/** Initial or final incident report as a PDF (a GET: anyone who may read incidents). */
export function ReportDownload({ incident, act, busy }: ActionProps) {
  const finalAllowed = !isActive(incident.status);
  const [type, setType] = useState<'initial' | 'final'>(finalAllowed ? 'final' : 'initial');
  const [reportLang, setReportLang] = useState<'vi' | 'en'>(lang());
  const effectiveType = finalAllowed ? type : 'initial';
  const submit = (e: Event) => {
    e.preventDefault();
    const name = `incident-${incident.number}-${effectiveType}-${reportLang}.pdf`;
    void act(
      () =>
        download(`${base(incident)}/report`, name, {
          type: effectiveType,
          lang: reportLang,
          format: 'pdf',
        }),
      t('downloaded', { name }),
    );
  };
  return html`<form class="card" onSubmit=${submit}>
    <h2>${t('download')}</h2>
    <div class="toolbar">
      <div>
        <label for="incident-report-type">${t('type')}</label>
        <select
          id="incident-report-type"
          value=${effectiveType}
          aria-describedby=${finalAllowed ? undefined : 'incident-report-type-hint'}
          onChange=${(e: Event) =>
            setType((e.target as HTMLSelectElement).value as 'initial' | 'final')}
        >
          <option value="initial">${t('initial')}</option>
          <option value="final" disabled=${!finalAllowed}>${t('final_')}</option>
        </select>
      </div>
      <div>
        <label for="incident-report-lang">${t('language')}</label>
        <select
          id="incident-report-lang"
          value=${reportLang}
          onChange=${(e: Event) =>
            setReportLang((e.target as HTMLSelectElement).value as 'vi' | 'en')}
        >
          <option value="vi">${t('vi')}</option>
          <option value="en">${t('en')}</option>
        </select>
      </div>
      <button type="submit" data-testid="incident-report-download" disabled=${busy}>
        ⤓ ${t('downloadSubmit')}
      </button>
    </div>
    ${
      !finalAllowed &&
      html`<p class="muted small" id="incident-report-type-hint">${t('finalLater')}</p>`
    }
  </form>`;
}
