import { ValidationError } from '../../common/errors';
import {
  ACTIVE_STATUSES,
  IncidentCategory,
  IncidentSeverity,
  IncidentStatus,
  isActive,
  LINK_OBJECT_TYPES,
  LinkObjectType,
  TIMELINE_KINDS,
  TimelineKind,
} from '../incident-lifecycle';
import type { IncidentDetail, TimelineEntry } from '../incidents.service';
import { REPORT_LABELS, ReportLang, ReportType } from './incident-report.labels';
import type { FocalPoint, OrganisationNames } from './incident-report.settings';

/** Identifies the shape below; bumped when a field changes meaning or goes away. */
export const INCIDENT_REPORT_SCHEMA = 'netwatch.incident-report/1';

/** Report times are shown in this zone (Vietnam, UTC+07:00, no daylight saving). */
export const REPORT_TIME_ZONE = 'Asia/Ho_Chi_Minh';

// ---- what the caller resolves from the database (incident-report.context.ts) ----

/** A linked object as found in the inventory. */
export interface ContextObject {
  objectType: LinkObjectType;
  objectId: string;
  /** false: the link points at an object no longer in the inventory (links have no FK). */
  found: boolean;
  /** Human label: "name (hostname)", device name, circuit id, "name (code)", check key. */
  label: string | null;
  /** English label when the object has an English name (units, sites). */
  labelEn?: string | null;
  /** Service kind, device role, circuit type, site or unit kind, check kind. */
  kind: string | null;
  unit: { code: string; name: string; nameEn?: string | null } | null;
}

export interface UnitContact {
  name: string;
  title: string | null;
  role: 'security' | 'technical';
  phone: string | null;
  email: string;
}

export interface IncidentReportContext {
  organisation: Record<ReportLang, OrganisationNames>;
  focalPoint: FocalPoint | null;
  /** The incident's unit, or null. */
  unit: { id: string; code: string; name: string; nameEn: string | null } | null;
  /** One per link of the incident, in link order. */
  objects: ContextObject[];
  /** Security and technical contacts of the incident's unit. */
  unitContacts: UnitContact[];
}

export interface BuildReportOptions {
  type: ReportType;
  lang: ReportLang;
  generatedAt: Date;
}

// ---- the report (README.md beside this file documents every field) ----

export interface ReportObject {
  objectType: LinkObjectType;
  objectId: string;
  found: boolean;
  label: string | null;
  kind: string | null;
  unit: { code: string; name: string } | null;
}

/** A check listed under this incident because its failure follows from this one. */
export interface ReportDependentCheck {
  checkId: string;
  checkKey: string;
  checkKind: string;
  objectType: string | null;
  objectId: string | null;
  /** Service hostname, device name or circuit id. */
  label: string | null;
  /** When it was listed under the incident. */
  since: string;
}

/**
 * The shape of `IncidentDetail.affected` (checks behind the failed parent of a probe
 * incident), read structurally so that details without it still build a report.
 */
interface DependentCheckLike {
  checkId: string;
  key: string;
  kind: string;
  objectType: string | null;
  objectId: string | null;
  label: string | null;
  since: Date | string;
}

export interface ReportTimelineEntry {
  at: string;
  actor: string;
  kind: 'status_change' | 'note';
  /** Status changes: the statuses (codes); null for the first entry and for notes. */
  from: IncidentStatus | null;
  to: IncidentStatus | null;
  /** The note, or the note/reason recorded with a status change. */
  text: string | null;
}

export interface IncidentReport {
  schema: typeof INCIDENT_REPORT_SCHEMA;
  type: ReportType;
  lang: ReportLang;
  /** "Báo cáo ban đầu sự cố" / "Initial incident report", ... */
  title: string;
  generatedAt: string;
  timeZone: typeof REPORT_TIME_ZONE;
  legalBasis: string;
  organisation: {
    name: string;
    managingBody: string;
    recipients: string[];
    focalPoint: FocalPoint | null;
  };
  incident: {
    id: string;
    number: number;
    reference: string;
    title: string;
    description: string;
    origin: 'probe' | 'manual';
    originLabel: string;
    category: { code: IncidentCategory; label: string };
    severity: { level: IncidentSeverity; label: string; meaning: string };
    status: { code: IncidentStatus; label: string; active: boolean };
  };
  unit: { id: string; code: string; name: string } | null;
  times: {
    detectedAt: string;
    acknowledgedAt: string | null;
    resolvedAt: string | null;
    closedAt: string | null;
    reportDueAt: string;
    /** Detected → resolved, when resolved. */
    durationSeconds: number | null;
  };
  affectedSystems: ReportObject[];
  impact: {
    description: string;
    /** Linked inventory objects (services, devices, circuits, sites, units); checks excluded. */
    affectedCount: number;
    byType: Record<LinkObjectType, number>;
    /** Checks that failed because of this incident (behind its failed object), if any. */
    alsoAffected: ReportDependentCheck[];
  };
  cause: string | null;
  actionsTaken: string | null;
  /** Final report only (null in the initial one). */
  reviewNotes: string | null;
  contact: { assignee: string | null; unitContacts: UnitContact[] };
  timeline: {
    /** Initial: status changes; final: status changes and notes. Oldest first. */
    entries: ReportTimelineEntry[];
    /** How many timeline entries of the other kinds exist (only kinds with at least one). */
    otherCounts: Partial<Record<TimelineKind, number>>;
  };
}

const iso = (d: Date | string | null): string | null =>
  d === null ? null : new Date(d).toISOString();

/**
 * Timeline entries in the order they were written (their ids count up). Sorted here rather than
 * trusted: ids are numeric strings, and an ORDER BY on the text form puts "10" before "2".
 */
function inOrder(timeline: TimelineEntry[]): TimelineEntry[] {
  const key = (id: string) => id.padStart(20, '0');
  return [...timeline].sort((a, b) => (key(a.id) < key(b.id) ? -1 : key(a.id) > key(b.id) ? 1 : 0));
}

const blank = (text: string | null): string | null =>
  text === null || text.trim() === '' ? null : text;

/**
 * The facts of an incident report as a plain JSON object: field names are stable and in
 * English, texts (labels, meanings, the impact sentence) are in `lang`. A `final` report is
 * refused (ValidationError naming `type`) while the incident is still active. Pure: the caller
 * resolves links, unit and contacts into `context`.
 */
export function buildIncidentReport(
  detail: IncidentDetail,
  context: IncidentReportContext,
  options: BuildReportOptions,
): IncidentReport {
  const { type, lang } = options;
  if (type === 'final' && isActive(detail.status))
    throw new ValidationError('the final report needs a resolved or closed incident', [
      {
        field: 'type',
        message: `type final is not possible while the incident is ${detail.status} (${ACTIVE_STATUSES.join(', ')} are active): resolve it first, or ask for type initial`,
      },
    ]);
  const t = REPORT_LABELS[lang];
  const names = context.organisation[lang];

  const affectedSystems: ReportObject[] = context.objects.map((o) => ({
    objectType: o.objectType,
    objectId: o.objectId,
    found: o.found,
    label: (lang === 'en' ? (o.labelEn ?? o.label) : o.label) ?? null,
    kind: o.kind,
    unit: o.unit
      ? { code: o.unit.code, name: (lang === 'en' ? o.unit.nameEn : null) ?? o.unit.name }
      : null,
  }));
  const byType = Object.fromEntries(LINK_OBJECT_TYPES.map((k) => [k, 0])) as Record<
    LinkObjectType,
    number
  >;
  for (const o of affectedSystems) byType[o.objectType] += 1;
  const systemTypes = LINK_OBJECT_TYPES.filter((k) => k !== 'check');
  const affectedCount = systemTypes.reduce((sum, k) => sum + byType[k], 0);
  const severity = t.severity[detail.severity];
  const alsoAffected: ReportDependentCheck[] = (
    (detail as { affected?: DependentCheckLike[] }).affected ?? []
  ).map((a) => ({
    checkId: a.checkId,
    checkKey: a.key,
    checkKind: a.kind,
    objectType: a.objectType,
    objectId: a.objectId,
    label: a.label,
    since: new Date(a.since).toISOString(),
  }));

  const listed: readonly TimelineKind[] =
    type === 'final' ? ['status_change', 'note'] : ['status_change'];
  const entries: ReportTimelineEntry[] = inOrder(detail.timeline)
    .filter((e) => listed.includes(e.kind))
    .map((e) => {
      const body = e.body;
      const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
      return e.kind === 'note'
        ? {
            at: iso(e.at)!,
            actor: e.actor,
            kind: 'note',
            from: null,
            to: null,
            text: str(body.text),
          }
        : {
            at: iso(e.at)!,
            actor: e.actor,
            kind: 'status_change',
            from: (str(body.from) as IncidentStatus | null) ?? null,
            to: (str(body.to) as IncidentStatus | null) ?? null,
            text: str(body.note) ?? str(body.reason),
          };
    });
  const otherCounts: Partial<Record<TimelineKind, number>> = {};
  for (const kind of TIMELINE_KINDS) {
    if (listed.includes(kind)) continue;
    const count = detail.timeline.filter((e) => e.kind === kind).length;
    if (count) otherCounts[kind] = count;
  }

  const openedAt = new Date(detail.openedAt);
  return {
    schema: INCIDENT_REPORT_SCHEMA,
    type,
    lang,
    title: t.reportTitle[type],
    generatedAt: options.generatedAt.toISOString(),
    timeZone: REPORT_TIME_ZONE,
    legalBasis: t.legalBasis,
    organisation: {
      name: names.name,
      managingBody: names.managingBody,
      recipients: [...names.recipients],
      focalPoint: context.focalPoint ? { ...context.focalPoint } : null,
    },
    incident: {
      id: detail.id,
      number: detail.number,
      reference: `#${detail.number}`,
      title: detail.title,
      description: detail.description,
      origin: detail.origin,
      originLabel: t.origin[detail.origin],
      category: { code: detail.category, label: t.category[detail.category] },
      severity: { level: detail.severity, label: severity.label, meaning: severity.meaning },
      status: {
        code: detail.status,
        label: t.status[detail.status],
        active: isActive(detail.status),
      },
    },
    unit: context.unit
      ? {
          id: context.unit.id,
          code: context.unit.code,
          name: (lang === 'en' ? context.unit.nameEn : null) ?? context.unit.name,
        }
      : null,
    times: {
      detectedAt: openedAt.toISOString(),
      acknowledgedAt: iso(detail.acknowledgedAt),
      resolvedAt: iso(detail.resolvedAt),
      closedAt: iso(detail.closedAt),
      reportDueAt: new Date(detail.reportDueAt).toISOString(),
      durationSeconds: detail.resolvedAt
        ? Math.round((new Date(detail.resolvedAt).getTime() - openedAt.getTime()) / 1000)
        : null,
    },
    affectedSystems,
    impact: {
      description: t.impact({
        severity: `${severity.label}: ${severity.meaning}`,
        count: affectedCount,
        parts: systemTypes.filter((k) => byType[k]).map((k) => ({ type: k, count: byType[k] })),
        dependents: alsoAffected.length,
      }),
      affectedCount,
      byType,
      alsoAffected,
    },
    cause: blank(detail.rootCause),
    actionsTaken: blank(detail.actionsTaken),
    reviewNotes: type === 'final' ? blank(detail.reviewNotes) : null,
    contact: {
      assignee: detail.assignee,
      unitContacts: context.unitContacts.map((c) => ({ ...c })),
    },
    timeline: { entries, otherCounts },
  };
}
