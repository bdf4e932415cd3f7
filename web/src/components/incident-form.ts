import { useState } from 'preact/hooks';
import { api, ApiError } from '../lib/api';
import { html } from '../lib/html';
import { messages } from '../lib/i18n';
import { ErrorBox } from './ui';
import {
  categoryLabel,
  Incident,
  INCIDENT_CATEGORIES,
  INCIDENT_SEVERITIES,
  severityLabel,
} from './incident-common';
import { FieldError, fieldProblems } from './incident-fields';
import { UnitRef, UnitSelect } from './incident-units';

const t = messages({
  vi: {
    legend: 'Mở sự cố mới',
    title: 'Tiêu đề',
    description: 'Mô tả',
    severity: 'Mức độ',
    category: 'Loại sự cố',
    unit: 'Đơn vị',
    noUnit: '(không gắn đơn vị)',
    assignee: 'Người xử lý',
    assigneeHint: 'Tên đăng nhập hoặc tên nhóm; có thể để trống.',
    choose: '— chọn —',
    submit: 'Mở sự cố',
    cancel: 'Hủy',
    saving: 'Đang lưu…',
  },
  en: {
    legend: 'Open a new incident',
    title: 'Title',
    description: 'Description',
    severity: 'Severity',
    category: 'Category',
    unit: 'Unit',
    noUnit: '(no unit)',
    assignee: 'Assignee',
    assigneeHint: 'A username or team name; may be left empty.',
    choose: '— choose —',
    submit: 'Open incident',
    cancel: 'Cancel',
    saving: 'Saving…',
  },
});

/**
 * A manual incident (`POST /api/incidents`). Validation is the API's: its field problems are
 * shown beside each field (and listed by the ErrorBox), so both say the same thing.
 */
export function IncidentForm({
  units,
  unitsComplete,
  onCreated,
  onCancel,
}: {
  units: UnitRef[];
  unitsComplete: boolean;
  onCreated: (incident: Incident) => void;
  onCancel: () => void;
}) {
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [severity, setSeverity] = useState('');
  const [category, setCategory] = useState('');
  const [unitId, setUnitId] = useState('');
  const [assignee, setAssignee] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const problems = fieldProblems(error);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body: Record<string, unknown> = {
        title: title.trim(),
        // An unchosen severity/category goes as is: the API names the field in its answer.
        severity: severity === '' ? null : Number(severity),
        category: category === '' ? null : category,
      };
      if (description.trim()) body.description = description.trim();
      if (unitId) body.unitId = unitId;
      if (assignee.trim()) body.assignee = assignee.trim();
      const created = await api<Incident>('/api/incidents', { method: 'POST', body });
      onCreated(created);
    } catch (err) {
      setError(err instanceof Error ? err : new ApiError(0, String(err), 'error'));
    } finally {
      setBusy(false);
    }
  };

  const invalid = (f: string) => (problems[f] ? 'true' : undefined);
  const described = (f: string) => (problems[f] ? `new-incident-${f}-error` : undefined);

  return html`<form class="card inc-form" onSubmit=${submit} novalidate aria-busy=${busy}>
    <h2>${t('legend')}</h2>
    <${ErrorBox} error=${error} />
    <div class="inc-grid">
      <div class="inc-wide">
        <label for="new-incident-title">${t('title')}</label>
        <input
          id="new-incident-title"
          data-testid="incident-new-title"
          required
          maxlength="300"
          value=${title}
          aria-invalid=${invalid('title')}
          aria-describedby=${described('title')}
          onInput=${(e: Event) => setTitle((e.target as HTMLInputElement).value)}
        />
        <${FieldError} id="new-incident-title-error" messages=${problems.title} />
      </div>
      <div>
        <label for="new-incident-severity">${t('severity')}</label>
        <select
          id="new-incident-severity"
          data-testid="incident-new-severity"
          required
          value=${severity}
          aria-invalid=${invalid('severity')}
          aria-describedby=${described('severity')}
          onChange=${(e: Event) => setSeverity((e.target as HTMLSelectElement).value)}
        >
          <option value="">${t('choose')}</option>
          ${INCIDENT_SEVERITIES.map(
            (s) => html`<option value=${String(s)}>${severityLabel(s)}</option>`,
          )}
        </select>
        <${FieldError} id="new-incident-severity-error" messages=${problems.severity} />
      </div>
      <div>
        <label for="new-incident-category">${t('category')}</label>
        <select
          id="new-incident-category"
          data-testid="incident-new-category"
          required
          value=${category}
          aria-invalid=${invalid('category')}
          aria-describedby=${described('category')}
          onChange=${(e: Event) => setCategory((e.target as HTMLSelectElement).value)}
        >
          <option value="">${t('choose')}</option>
          ${INCIDENT_CATEGORIES.map((c) => html`<option value=${c}>${categoryLabel(c)}</option>`)}
        </select>
        <${FieldError} id="new-incident-category-error" messages=${problems.category} />
      </div>
      <div>
        <label for="new-incident-unit">${t('unit')}</label>
        <${UnitSelect}
          id="new-incident-unit"
          value=${unitId}
          valueKey="id"
          units=${units}
          complete=${unitsComplete}
          emptyLabel=${t('noUnit')}
          invalid=${!!problems.unitId}
          describedBy=${described('unitId')}
          onChange=${setUnitId}
        />
        <${FieldError} id="new-incident-unitId-error" messages=${problems.unitId} />
      </div>
      <div>
        <label for="new-incident-assignee">${t('assignee')}</label>
        <input
          id="new-incident-assignee"
          maxlength="200"
          value=${assignee}
          aria-invalid=${invalid('assignee')}
          aria-describedby=${
            problems.assignee ? 'new-incident-assignee-error' : 'new-incident-assignee-hint'
          }
          onInput=${(e: Event) => setAssignee((e.target as HTMLInputElement).value)}
        />
        <p class="muted small" id="new-incident-assignee-hint">${t('assigneeHint')}</p>
        <${FieldError} id="new-incident-assignee-error" messages=${problems.assignee} />
      </div>
      <div class="inc-wide">
        <label for="new-incident-description">${t('description')}</label>
        <textarea
          id="new-incident-description"
          class="inc-prose"
          rows="4"
          maxlength="20000"
          value=${description}
          aria-invalid=${invalid('description')}
          aria-describedby=${described('description')}
          onInput=${(e: Event) => setDescription((e.target as HTMLTextAreaElement).value)}
        ></textarea>
        <${FieldError} id="new-incident-description-error" messages=${problems.description} />
      </div>
    </div>
    <div class="inc-actions">
      <button type="submit" class="primary" data-testid="incident-new-submit" disabled=${busy}>
        ${busy ? t('saving') : t('submit')}
      </button>
      <button type="button" onClick=${onCancel}>${t('cancel')}</button>
    </div>
  </form>`;
}
