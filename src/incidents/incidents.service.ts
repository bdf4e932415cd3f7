import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ForbiddenError, NotFoundError, ValidationError } from '../common/errors';
import { currentActor, currentScope } from '../common/request-context';
import { unitSubtreeSql } from '../inventory/crud/unit-subtree';
import {
  assertTransition,
  IncidentCategory,
  IncidentSeverity,
  IncidentStatus,
  INCIDENT_CATEGORIES,
  INCIDENT_STATUSES,
  LinkObjectType,
  TimelineKind,
  timestampsFor,
} from './incident-lifecycle';
import { INCIDENT_SETTINGS, IncidentSettings } from './incident-settings';
import type { NotificationEvent } from '../notifications/notification.types';
import { OutboxWriter } from '../notifications/outbox-writer';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An incident as the API returns it. */
export interface Incident {
  id: string;
  number: number;
  title: string;
  description: string;
  severity: IncidentSeverity;
  category: IncidentCategory;
  status: IncidentStatus;
  origin: 'probe' | 'manual';
  checkId: string | null;
  assignee: string | null;
  unitId: string | null;
  rootCause: string | null;
  actionsTaken: string | null;
  reviewNotes: string | null;
  openedAt: Date;
  acknowledgedAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  reportDueAt: Date;
  /** When the incident was reported upward (null: not yet). */
  reportedAt: Date | null;
  reportReference: string | null;
  updatedAt: Date;
}

export interface IncidentLink {
  objectType: LinkObjectType;
  objectId: string;
}

/** A check behind the failed parent of a probe incident, listed instead of its own incident. */
export interface AffectedCheck {
  checkId: string;
  key: string;
  kind: string;
  objectType: string | null;
  objectId: string | null;
  /** Service hostname, device name or circuit id. */
  label: string | null;
  since: Date;
}

export interface TimelineEntry {
  id: string;
  at: Date;
  kind: TimelineKind;
  actor: string;
  body: Record<string, unknown>;
}

export interface IncidentDetail extends Incident {
  /** What the incident is about (`subject` links). */
  links: IncidentLink[];
  /** Checks behind the failed parent, with their objects (`affected` links). */
  affected: AffectedCheck[];
  timeline: TimelineEntry[];
}

export interface CreateIncidentInput {
  title: string;
  description?: string;
  severity: IncidentSeverity;
  category: IncidentCategory;
  assignee?: string | null;
  unitId?: string | null;
  links?: IncidentLink[];
}

/** Fields a person may edit (status and assignee have their own operations). */
export interface IncidentFieldChanges {
  title?: string;
  description?: string;
  severity?: IncidentSeverity;
  category?: IncidentCategory;
  unitId?: string | null;
  rootCause?: string | null;
  actionsTaken?: string | null;
  reviewNotes?: string | null;
}

export interface IncidentFilters {
  unitId?: string;
  severity?: IncidentSeverity[];
  status?: IncidentStatus[];
  category?: IncidentCategory[];
  openedFrom?: Date;
  openedTo?: Date;
  objectType?: LinkObjectType;
  objectId?: string;
  assignee?: string;
  /** Title words (case-insensitive substring) or an incident number (`42`, `#42`). */
  search?: string;
  limit?: number;
  offset?: number;
}

export interface Durations {
  /** Incidents measured. */
  count: number;
  averageSeconds: number | null;
  medianSeconds: number | null;
}

export interface IncidentMetrics {
  from: Date | null;
  to: Date | null;
  unitId: string | null;
  total: number;
  byStatus: Record<IncidentStatus, number>;
  bySeverity: Record<'1' | '2' | '3' | '4', number>;
  byCategory: Record<IncidentCategory, number>;
  /** Mean/median time to acknowledge: opened → acknowledged. */
  mtta: Durations;
  /** Mean/median time to resolve: opened → resolved. */
  mttr: Durations;
  /** MTTA and MTTR per severity and per category. */
  durationsBySeverity: Record<'1' | '2' | '3' | '4', { mtta: Durations; mttr: Durations }>;
  durationsByCategory: Record<IncidentCategory, { mtta: Durations; mttr: Durations }>;
}

/** Raw row of `incidents`. */
export interface IncidentRow {
  id: string;
  number: number;
  title: string;
  description: string;
  severity: number;
  category: IncidentCategory;
  status: IncidentStatus;
  origin: 'probe' | 'manual';
  check_id: string | null;
  assignee: string | null;
  unit_id: string | null;
  root_cause: string | null;
  actions_taken: string | null;
  review_notes: string | null;
  opened_at: Date;
  acknowledged_at: Date | null;
  resolved_at: Date | null;
  closed_at: Date | null;
  report_due_at: Date;
  reported_at: Date | null;
  report_reference: string | null;
  updated_at: Date;
}

export function toIncident(r: IncidentRow): Incident {
  return {
    id: r.id,
    number: Number(r.number),
    title: r.title,
    description: r.description,
    severity: Number(r.severity) as IncidentSeverity,
    category: r.category,
    status: r.status,
    origin: r.origin,
    checkId: r.check_id,
    assignee: r.assignee,
    unitId: r.unit_id,
    rootCause: r.root_cause,
    actionsTaken: r.actions_taken,
    reviewNotes: r.review_notes,
    openedAt: r.opened_at,
    acknowledgedAt: r.acknowledged_at,
    resolvedAt: r.resolved_at,
    closedAt: r.closed_at,
    reportDueAt: r.report_due_at,
    reportedAt: r.reported_at,
    reportReference: r.report_reference,
    updatedAt: r.updated_at,
  };
}

const FIELD_COLUMNS: Record<keyof IncidentFieldChanges, keyof IncidentRow> = {
  title: 'title',
  description: 'description',
  severity: 'severity',
  category: 'category',
  unitId: 'unit_id',
  rootCause: 'root_cause',
  actionsTaken: 'actions_taken',
  reviewNotes: 'review_notes',
};

const LINK_TABLES: Record<LinkObjectType, string> = {
  service: 'services',
  device: 'devices',
  circuit: 'circuits',
  unit: 'units',
  check: 'checks',
  site: 'sites',
};

const PG_UNIQUE_VIOLATION = '23505';

/** The notification event of a status change, if it is one people are told about. */
export function statusEvent(
  from: IncidentStatus,
  to: IncidentStatus,
  firstAcknowledged: boolean,
): NotificationEvent | null {
  if (to === 'open') return from === 'resolved' ? 'reopened' : null;
  if (to === 'resolved') return 'resolved';
  if (to === 'closed') return 'closed';
  return firstAcknowledged ? 'acknowledged' : null;
}

function median(values: number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function durations(values: number[]): Durations {
  return {
    count: values.length,
    averageSeconds: values.length ? values.reduce((a, b) => a + b, 0) / values.length : null,
    medianSeconds: median(values),
  };
}

/**
 * The incident core: manual incidents, the lifecycle, notes, assignment, links, queries and
 * metrics. Every change writes a timeline entry in the same transaction.
 */
@Injectable()
export class IncidentsService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(INCIDENT_SETTINGS) readonly settings: IncidentSettings,
    private readonly outbox: OutboxWriter,
  ) {}

  /**
   * Announces an incident event through the notifications outbox, in the caller's transaction.
   * `occurrence` makes the event unique (the timeline entry that records it).
   */
  async announce(
    m: EntityManager,
    incidentId: string,
    event: NotificationEvent,
    at: Date,
    occurrence: string,
  ): Promise<number> {
    return this.outbox.enqueue(m, incidentId, event, at, `${event}:${occurrence}`);
  }

  reportDueAt(openedAt: Date): Date {
    return new Date(openedAt.getTime() + this.settings.reportDueDays * 86_400_000);
  }

  async create(input: CreateIncidentInput, actor = currentActor().actor): Promise<IncidentDetail> {
    const at = this.settings.now();
    const id = await this.dataSource.transaction(async (m) => {
      if (input.unitId) await this.assertExists(m, 'unit', input.unitId, 'unitId');
      await this.assertUnitInScope(m, input.unitId ?? null);
      if (currentScope() && input.links?.length)
        throw new ForbiddenError('links are not available to unit-scoped callers yet', [
          { field: 'links', message: 'links: add them through an unscoped user' },
        ]);
      const rows: { id: string }[] = await m.query(
        `INSERT INTO incidents (title, description, severity, category, status, origin, assignee,
           unit_id, opened_at, report_due_at, updated_at)
         VALUES ($1, $2, $3, $4, 'open', 'manual', $5, $6, $7, $8, $7) RETURNING id`,
        [
          input.title,
          input.description ?? '',
          input.severity,
          input.category,
          input.assignee ?? null,
          input.unitId ?? null,
          at,
          this.reportDueAt(at),
        ],
      );
      const newId = rows[0].id;
      const opened = await this.appendTimeline(m, newId, at, 'status_change', actor, {
        from: null,
        to: 'open',
      });
      for (const [i, link] of (input.links ?? []).entries())
        await this.insertLink(m, newId, link, at, actor, `links.${i}.objectId`);
      await this.announce(m, newId, 'opened', at, opened.id);
      return newId;
    });
    return this.get(id);
  }

  async get(id: string): Promise<IncidentDetail> {
    const row = await this.findRow(this.dataSource.manager, id);
    const links: IncidentLink[] = await this.dataSource.query(
      `SELECT object_type AS "objectType", object_id AS "objectId" FROM incident_links
       WHERE incident_id = $1 AND role = 'subject' ORDER BY created_at, object_type, object_id`,
      [id],
    );
    const affected: AffectedCheck[] = await this.dataSource.query(
      `SELECT c.id AS "checkId", c.key, c.kind, c.object_type AS "objectType",
              c.object_id AS "objectId", COALESCE(s.hostname, d.name, ci.cid) AS label,
              l.created_at AS since
       FROM incident_links l
       JOIN checks c ON l.object_type = 'check' AND c.id = l.object_id
       LEFT JOIN services s ON c.object_type = 'service' AND s.id = c.object_id
       LEFT JOIN devices d ON c.object_type = 'device' AND d.id = c.object_id
       LEFT JOIN circuits ci ON c.object_type = 'circuit' AND ci.id = c.object_id
       WHERE l.incident_id = $1 AND l.role = 'affected'
       ORDER BY l.created_at, c.key`,
      [id],
    );
    const timeline: TimelineEntry[] = await this.dataSource.query(
      `SELECT id::text AS id, at, kind, actor, body FROM incident_timeline
       WHERE incident_id = $1 ORDER BY incident_timeline.id`,
      [id],
    );
    return { ...toIncident(row), links, affected, timeline };
  }

  /** Moves the incident through the lifecycle (an illegal change names `status`). */
  async changeStatus(
    id: string,
    to: IncidentStatus,
    options: { note?: string; at?: Date; actor?: string; body?: Record<string, unknown> } = {},
  ): Promise<Incident> {
    return this.dataSource.transaction((m) => this.changeStatusIn(m, id, to, options));
  }

  /** `changeStatus` inside the caller's transaction. */
  async changeStatusIn(
    m: EntityManager,
    id: string,
    to: IncidentStatus,
    options: { note?: string; at?: Date; actor?: string; body?: Record<string, unknown> } = {},
  ): Promise<Incident> {
    const at = options.at ?? this.settings.now();
    const actor = options.actor ?? currentActor().actor;
    const row = await this.findRow(m, id, true);
    assertTransition(row.status, to);
    const changes = timestampsFor(to, at, row);
    const sets = ['status = $2', 'updated_at = $3'];
    const params: unknown[] = [id, to, at];
    for (const [column, value] of Object.entries(changes)) {
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    }
    try {
      await m.query(`UPDATE incidents SET ${sets.join(', ')} WHERE id = $1`, params);
    } catch (err) {
      if ((err as { driverError?: { code?: string } }).driverError?.code === PG_UNIQUE_VIOLATION)
        throw new ValidationError('illegal status change', [
          {
            field: 'status',
            message:
              'another incident for the same check is already active; re-open is not possible',
          },
        ]);
      throw err;
    }
    const entry = await this.appendTimeline(m, id, at, 'status_change', actor, {
      from: row.status,
      to,
      ...(options.note ? { note: options.note } : {}),
      ...options.body,
    });
    const event = statusEvent(row.status, to, 'acknowledged_at' in changes);
    if (event) await this.announce(m, id, event, at, entry.id);
    return toIncident(await this.findRow(m, id));
  }

  async addNote(id: string, text: string, actor = currentActor().actor): Promise<TimelineEntry> {
    const at = this.settings.now();
    return this.dataSource.transaction(async (m) => {
      await this.findRow(m, id, true);
      await m.query(`UPDATE incidents SET updated_at = $2 WHERE id = $1`, [id, at]);
      return this.appendTimeline(m, id, at, 'note', actor, { text });
    });
  }

  async assign(
    id: string,
    assignee: string | null,
    actor = currentActor().actor,
  ): Promise<Incident> {
    const at = this.settings.now();
    return this.dataSource.transaction(async (m) => {
      const row = await this.findRow(m, id, true);
      await m.query(`UPDATE incidents SET assignee = $2, updated_at = $3 WHERE id = $1`, [
        id,
        assignee,
        at,
      ]);
      await this.appendTimeline(m, id, at, 'edit', actor, {
        changes: { assignee: { from: row.assignee, to: assignee } },
      });
      return toIncident(await this.findRow(m, id));
    });
  }

  async updateFields(
    id: string,
    changes: IncidentFieldChanges,
    actor = currentActor().actor,
  ): Promise<Incident> {
    const at = this.settings.now();
    return this.dataSource.transaction(async (m) => {
      const row = await this.findRow(m, id, true);
      if (changes.unitId) await this.assertExists(m, 'unit', changes.unitId, 'unitId');
      if (changes.unitId !== undefined) await this.assertUnitInScope(m, changes.unitId);
      const sets: string[] = [];
      const params: unknown[] = [id];
      const diff: Record<string, { from: unknown; to: unknown }> = {};
      for (const [field, column] of Object.entries(FIELD_COLUMNS) as [
        keyof IncidentFieldChanges,
        keyof IncidentRow,
      ][]) {
        const value = changes[field];
        if (value === undefined) continue;
        const before = column === 'severity' ? Number(row[column]) : row[column];
        if (before === value) continue;
        params.push(value);
        sets.push(`${column} = $${params.length}`);
        diff[field] = { from: before, to: value };
      }
      if (!sets.length) return toIncident(row);
      params.push(at);
      sets.push(`updated_at = $${params.length}`);
      await m.query(`UPDATE incidents SET ${sets.join(', ')} WHERE id = $1`, params);
      await this.appendTimeline(m, id, at, 'edit', actor, { changes: diff });
      return toIncident(await this.findRow(m, id));
    });
  }

  /** Links an object; linking one already linked changes nothing. Returns whether it was new. */
  async link(id: string, link: IncidentLink, actor = currentActor().actor): Promise<boolean> {
    const at = this.settings.now();
    return this.dataSource.transaction(async (m) => {
      await this.findRow(m, id, true);
      return this.insertLink(m, id, link, at, actor, 'objectId');
    });
  }

  async list(filters: IncidentFilters = {}): Promise<{
    items: Incident[];
    total: number;
    limit: number;
    offset: number;
  }> {
    const limit = filters.limit ?? 50;
    const offset = filters.offset ?? 0;
    const { where, params } = this.filterSql(filters);
    const countRows: { total: string }[] = await this.dataSource.query(
      `SELECT count(*) AS total FROM incidents i ${where}`,
      params,
    );
    const rows: IncidentRow[] = await this.dataSource.query(
      `SELECT i.* FROM incidents i ${where} ORDER BY i.opened_at DESC, i.number DESC
       LIMIT ${limit} OFFSET ${offset}`,
      params,
    );
    return { items: rows.map(toIncident), total: Number(countRows[0].total), limit, offset };
  }

  async metrics(
    filters: {
      unitId?: string;
      from?: Date;
      to?: Date;
      severity?: IncidentSeverity[];
      category?: IncidentCategory[];
    } = {},
  ): Promise<IncidentMetrics> {
    const { where, params } = this.filterSql({
      unitId: filters.unitId,
      openedFrom: filters.from,
      openedTo: filters.to,
      severity: filters.severity,
      category: filters.category,
    });
    const rows: IncidentRow[] = await this.dataSource.query(
      `SELECT i.* FROM incidents i ${where}`,
      params,
    );
    const byStatus = Object.fromEntries(INCIDENT_STATUSES.map((s) => [s, 0])) as Record<
      IncidentStatus,
      number
    >;
    const bySeverity = { '1': 0, '2': 0, '3': 0, '4': 0 };
    const byCategory = Object.fromEntries(INCIDENT_CATEGORIES.map((c) => [c, 0])) as Record<
      IncidentCategory,
      number
    >;
    const tta: number[] = [];
    const ttr: number[] = [];
    const groups = new Map<string, { tta: number[]; ttr: number[] }>();
    const group = (key: string) => {
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { tta: [], ttr: [] }));
      return g;
    };
    for (const r of rows) {
      byStatus[r.status] += 1;
      bySeverity[String(r.severity) as keyof typeof bySeverity] += 1;
      byCategory[r.category] += 1;
      const opened = new Date(r.opened_at).getTime();
      const bySev = group(`s:${r.severity}`);
      const byCat = group(`c:${r.category}`);
      if (r.acknowledged_at) {
        const v = (new Date(r.acknowledged_at).getTime() - opened) / 1000;
        tta.push(v);
        bySev.tta.push(v);
        byCat.tta.push(v);
      }
      if (r.resolved_at) {
        const v = (new Date(r.resolved_at).getTime() - opened) / 1000;
        ttr.push(v);
        bySev.ttr.push(v);
        byCat.ttr.push(v);
      }
    }
    const pair = (key: string) => ({
      mtta: durations(groups.get(key)?.tta ?? []),
      mttr: durations(groups.get(key)?.ttr ?? []),
    });
    return {
      from: filters.from ?? null,
      to: filters.to ?? null,
      unitId: filters.unitId ?? null,
      total: rows.length,
      byStatus,
      bySeverity,
      byCategory,
      mtta: durations(tta),
      mttr: durations(ttr),
      durationsBySeverity: {
        '1': pair('s:1'),
        '2': pair('s:2'),
        '3': pair('s:3'),
        '4': pair('s:4'),
      },
      durationsByCategory: Object.fromEntries(
        INCIDENT_CATEGORIES.map((c) => [c, pair(`c:${c}`)]),
      ) as IncidentMetrics['durationsByCategory'],
    };
  }

  /**
   * Incidents not yet reported upward whose report deadline has passed, oldest deadline first
   * (closed incidents included: closing does not report it).
   */
  async reportOverdue(now = this.settings.now()): Promise<Incident[]> {
    const scope = currentScope();
    const rows: IncidentRow[] = await this.dataSource.query(
      `SELECT * FROM incidents WHERE reported_at IS NULL AND report_due_at < $1
       ${scope ? `AND unit_id IN ${unitSubtreeSql('$2')}` : ''}
       ORDER BY report_due_at, number`,
      scope ? [now, scope] : [now],
    );
    return rows.map(toIncident);
  }

  /** Records that the incident was reported upward (stops the deadline reminders). */
  async markReported(
    id: string,
    input: { reportedAt?: Date; reference?: string | null },
    actor = currentActor().actor,
  ): Promise<Incident> {
    const at = this.settings.now();
    const reportedAt = input.reportedAt ?? at;
    if (reportedAt.getTime() > at.getTime() + 60_000)
      throw new ValidationError('invalid report time', [
        { field: 'reportedAt', message: 'reportedAt: must not be in the future' },
      ]);
    return this.dataSource.transaction(async (m) => {
      const row = await this.findRow(m, id, true);
      const reference = input.reference ?? null;
      await m.query(
        `UPDATE incidents SET reported_at = $2, report_reference = $3, updated_at = $4
         WHERE id = $1`,
        [id, reportedAt, reference, at],
      );
      await this.appendTimeline(m, id, at, 'edit', actor, {
        changes: {
          reportedAt: { from: row.reported_at, to: reportedAt },
          reportReference: { from: row.report_reference, to: reference },
        },
      });
      return toIncident(await this.findRow(m, id));
    });
  }

  // ---- helpers shared with the opener ----

  async findRow(m: EntityManager, id: string, lock = false): Promise<IncidentRow> {
    // A unit-scoped caller sees only incidents of its unit subtree; others do not exist for it.
    const scope = currentScope();
    const rows: IncidentRow[] = UUID.test(id)
      ? await m.query(
          `SELECT * FROM incidents WHERE id = $1
           ${scope ? `AND unit_id IN ${unitSubtreeSql('$2')}` : ''}${lock ? ' FOR UPDATE' : ''}`,
          scope ? [id, scope] : [id],
        )
      : [];
    if (!rows.length) throw new NotFoundError(`incident ${id} not found`);
    return rows[0];
  }

  async appendTimeline(
    m: EntityManager,
    incidentId: string,
    at: Date,
    kind: TimelineKind,
    actor: string,
    body: Record<string, unknown>,
  ): Promise<TimelineEntry> {
    const rows: TimelineEntry[] = await m.query(
      `INSERT INTO incident_timeline (incident_id, at, kind, actor, body) VALUES ($1, $2, $3, $4, $5)
       RETURNING id::text AS id, at, kind, actor, body`,
      [incidentId, at, kind, actor, JSON.stringify(body)],
    );
    return rows[0];
  }

  async insertLink(
    m: EntityManager,
    incidentId: string,
    link: IncidentLink,
    at: Date,
    actor: string,
    field: string,
  ): Promise<boolean> {
    await this.assertExists(m, link.objectType, link.objectId, field);
    const rows: unknown[] = await m.query(
      `INSERT INTO incident_links (incident_id, object_type, object_id, created_at)
       VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING incident_id`,
      [incidentId, link.objectType, link.objectId, at],
    );
    if (!rows.length) return false;
    await this.appendTimeline(m, incidentId, at, 'link', actor, { ...link });
    return true;
  }

  /** A unit-scoped caller may only file incidents in its own unit subtree. */
  private async assertUnitInScope(m: EntityManager, unitId: string | null): Promise<void> {
    const scope = currentScope();
    if (!scope) return;
    const inside =
      unitId !== null &&
      (
        (await m.query(`SELECT 1 FROM ${unitSubtreeSql('$1')} s WHERE s.id = $2`, [
          scope,
          unitId,
        ])) as unknown[]
      ).length > 0;
    if (!inside)
      throw new ForbiddenError('outside your unit', [
        { field: 'unitId', message: 'unitId: must be your unit or a unit below it' },
      ]);
  }

  private async assertExists(
    m: EntityManager,
    objectType: LinkObjectType,
    objectId: string,
    field: string,
  ): Promise<void> {
    const rows: unknown[] = UUID.test(objectId)
      ? await m.query(`SELECT 1 FROM ${LINK_TABLES[objectType]} WHERE id = $1`, [objectId])
      : [];
    if (!rows.length)
      throw new ValidationError('unknown reference', [
        { field, message: `${field}: no ${objectType} with id ${objectId}` },
      ]);
  }

  private filterSql(f: IncidentFilters): { where: string; params: unknown[] } {
    const conditions: string[] = [];
    const params: unknown[] = [];
    const add = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (f.unitId) conditions.push(`i.unit_id IN ${unitSubtreeSql(add(f.unitId))}`);
    const scope = currentScope();
    if (scope) conditions.push(`i.unit_id IN ${unitSubtreeSql(add(scope))}`);
    if (f.severity?.length) conditions.push(`i.severity = ANY(${add(f.severity)}::smallint[])`);
    if (f.status?.length) conditions.push(`i.status = ANY(${add(f.status)}::text[])`);
    if (f.category?.length) conditions.push(`i.category = ANY(${add(f.category)}::text[])`);
    if (f.openedFrom) conditions.push(`i.opened_at >= ${add(f.openedFrom)}`);
    if (f.openedTo) conditions.push(`i.opened_at < ${add(f.openedTo)}`);
    if (f.assignee) conditions.push(`i.assignee = ${add(f.assignee)}`);
    const search = f.search?.trim();
    if (search) {
      const number = /^#?(\d{1,9})$/.exec(search)?.[1];
      // LIKE wildcards in the text are matched literally.
      const like = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      conditions.push(
        number
          ? `(i.number = ${add(Number(number))} OR i.title ILIKE ${add(like)})`
          : `i.title ILIKE ${add(like)}`,
      );
    }
    if (f.objectType || f.objectId) {
      const parts = ['l.incident_id = i.id'];
      if (f.objectType) parts.push(`l.object_type = ${add(f.objectType)}`);
      if (f.objectId) parts.push(`l.object_id = ${add(f.objectId)}::uuid`);
      conditions.push(`EXISTS (SELECT 1 FROM incident_links l WHERE ${parts.join(' AND ')})`);
    }
    return { where: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', params };
  }
}
