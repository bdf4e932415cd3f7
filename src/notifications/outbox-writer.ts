import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { IncidentSummary, NotificationEvent, NotificationItem } from './notification.types';
import { NOTIFICATION_SETTINGS, NotificationSettings } from './notification-settings';

interface SummaryRow {
  id: string;
  number: number;
  title: string;
  description: string;
  severity: number;
  category: string;
  status: string;
  unit_id: string | null;
  unit_code: string | null;
  unit_name: string | null;
  opened_at: Date;
  acknowledged_at: Date | null;
  resolved_at: Date | null;
  report_due_at: Date;
  assignee: string | null;
}

/**
 * Writes outbox rows for an incident event inside the caller's transaction (the transactional
 * outbox: the message exists if and only if the event was committed). One row per channel that
 * a matching route leads to; `(channel, dedupKey)` is unique, so a retried event or two routes
 * to one channel still give one message.
 */
@Injectable()
export class OutboxWriter {
  constructor(@Inject(NOTIFICATION_SETTINGS) private readonly settings: NotificationSettings) {}

  /**
   * Queues `event` of incident `incidentId`; returns how many messages were queued. `dedupKey`
   * names the occurrence within the incident (a timeline entry, a reminder's sequence).
   */
  async enqueue(
    m: EntityManager,
    incidentId: string,
    event: NotificationEvent,
    at: Date,
    dedupKey: string,
  ): Promise<number> {
    const rows: SummaryRow[] = await m.query(
      `SELECT i.id, i.number, i.title, i.description, i.severity, i.category, i.status, i.unit_id,
              u.code AS unit_code, u.name AS unit_name, i.opened_at, i.acknowledged_at,
              i.resolved_at, i.report_due_at, i.assignee
       FROM incidents i LEFT JOIN units u ON u.id = i.unit_id WHERE i.id = $1`,
      [incidentId],
    );
    if (!rows.length) return 0;
    const item: NotificationItem = { event, at, incident: this.summary(rows[0]) };
    // A route matches when it is enabled, names the event, covers the severity and category,
    // and its unit (if any) is the incident's unit or one of its ancestors.
    const inserted: unknown[] = await m.query(
      `WITH RECURSIVE ancestors AS (
         SELECT id, parent_id FROM units WHERE id = $2
         UNION ALL
         SELECT u.id, u.parent_id FROM units u JOIN ancestors a ON u.id = a.parent_id
       ),
       channels AS (
         SELECT DISTINCT r.channel_id FROM notification_routes r
         JOIN notification_channels c ON c.id = r.channel_id AND c.enabled
         WHERE r.enabled AND $3 = ANY(r.events) AND $4 <= r.max_severity
           AND (r.categories IS NULL OR $5 = ANY(r.categories))
           AND (r.unit_id IS NULL OR r.unit_id IN (SELECT id FROM ancestors))
       )
       INSERT INTO notification_outbox (channel_id, incident_id, event, dedup_key, payload,
         next_attempt_at, created_at)
       SELECT channel_id, $1, $3, $6, $7, $8, $8 FROM channels
       ON CONFLICT (channel_id, dedup_key) DO NOTHING RETURNING id`,
      [
        incidentId,
        rows[0].unit_id,
        event,
        Number(rows[0].severity),
        rows[0].category,
        `${incidentId}:${dedupKey}`,
        JSON.stringify(item),
        at,
      ],
    );
    return inserted.length;
  }

  private summary(r: SummaryRow): IncidentSummary {
    const base = this.settings.publicUrl.replace(/\/+$/, '');
    return {
      id: r.id,
      number: Number(r.number),
      title: r.title,
      description: r.description,
      severity: Number(r.severity) as IncidentSummary['severity'],
      category: r.category,
      status: r.status,
      unitCode: r.unit_code,
      unitName: r.unit_name,
      openedAt: r.opened_at,
      acknowledgedAt: r.acknowledged_at,
      resolvedAt: r.resolved_at,
      reportDueAt: r.report_due_at,
      assignee: r.assignee,
      url: base ? `${base}/api/incidents/${r.id}` : null,
    };
  }
}

/** Parses an outbox payload back into an item (dates revived). */
export function itemFromPayload(payload: unknown): NotificationItem {
  const p = payload as NotificationItem & {
    at: string;
    incident: Record<string, unknown>;
  };
  const date = (v: unknown): Date | null => (v ? new Date(String(v)) : null);
  const i = p.incident;
  return {
    event: p.event,
    at: new Date(p.at),
    incident: {
      ...(i as unknown as IncidentSummary),
      openedAt: date(i.openedAt) as Date,
      acknowledgedAt: date(i.acknowledgedAt),
      resolvedAt: date(i.resolvedAt),
      reportDueAt: date(i.reportDueAt) as Date,
    },
  };
}
