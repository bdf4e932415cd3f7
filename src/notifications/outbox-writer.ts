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

  /**
   * Queues the e-mail of a generated report run (its files are attached when it is sent), in
   * the caller's transaction. One message per run and channel.
   */
  async enqueueReport(
    m: EntityManager,
    channelId: string,
    r: {
      runId: string;
      period: { from: Date; to: Date };
      languages: readonly ('vi' | 'en')[];
      files: string[];
      to: string[];
      at: Date;
    },
  ): Promise<void> {
    const payload: ReportPayload = {
      kind: 'report',
      runId: r.runId,
      files: r.files,
      to: r.to,
      ...reportText(r.period, r.languages, this.runUrl(r.runId)),
    };
    await m.query(
      `INSERT INTO notification_outbox (channel_id, incident_id, event, dedup_key, payload,
         next_attempt_at, created_at)
       VALUES ($1, NULL, 'report', $2, $3, $4, $4) ON CONFLICT (channel_id, dedup_key) DO NOTHING`,
      [channelId, `report:${r.runId}`, JSON.stringify(payload), r.at],
    );
  }

  private runUrl(runId: string): string | null {
    const base = this.settings.publicUrl.replace(/\/+$/, '');
    return base ? `${base}/api/reports/runs/${runId}` : null;
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

/** What the outbox holds for a report e-mail (the files are read when it is sent). */
export interface ReportPayload {
  kind: 'report';
  runId: string;
  files: string[];
  to: string[];
  subject: string;
  text: string;
}

export function isReportPayload(payload: unknown): payload is ReportPayload {
  return (payload as { kind?: unknown } | null)?.kind === 'report';
}

/** Subject and body of a report e-mail, in each language of the run (Vietnamese first). */
export function reportText(
  period: { from: Date; to: Date },
  languages: readonly ('vi' | 'en')[],
  url: string | null,
): { subject: string; text: string } {
  const day = (t: number) => {
    const d = new Date(t + 7 * 3_600_000);
    return `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;
  };
  const range = `${day(period.from.getTime())}–${day(period.to.getTime() - 1)}`;
  const langs = languages.length ? languages : (['vi'] as const);
  const vi = [
    `Báo cáo tuân thủ kỳ ${range} đã được lập.`,
    'Tệp đính kèm: báo cáo (PDF).',
    ...(url ? [`Xem và tải các định dạng khác: ${url}`] : []),
  ];
  const en = [
    `The compliance report for ${range} has been generated.`,
    'Attached: the report (PDF).',
    ...(url ? [`All formats: ${url}`] : []),
  ];
  const parts = langs.map((l) => (l === 'vi' ? vi : en).join('\n'));
  const subject = langs
    .map((l) => (l === 'vi' ? `Báo cáo tuân thủ ${range}` : `Compliance report ${range}`))
    .join(' / ');
  return { subject: `[NetWatch] ${subject}`, text: `${parts.join('\n\n')}\n\n— NetWatch` };
}
