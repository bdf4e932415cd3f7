import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { NotificationEvent } from './notification.types';
import { NOTIFICATION_SETTINGS, NotificationSettings } from './notification-settings';
import { OutboxWriter } from './outbox-writer';

type ReminderKind = Extract<NotificationEvent, 'unacknowledged' | 'report_due' | 'report_overdue'>;

/** A reminder to issue: incident, kind and sequence number (1 for one-off reminders). */
interface Due {
  id: string;
  kind: ReminderKind;
  seq: number;
}

const SCAN_LIMIT = 500;

/**
 * Issues reminders through the outbox:
 * - `unacknowledged`: an incident still `open` and never acknowledged,
 *   `unacknowledgedReminderMinutes` after opening and as often again, at most
 *   `unacknowledgedReminderMax` times;
 * - `report_due`: `reportReminderHours` before the upward report deadline, when no report is
 *   recorded (`reported_at`);
 * - `report_overdue`: once the deadline has passed without a report.
 *
 * Each reminder is a row of `incident_reminders` inserted in the transaction that queues it, so
 * several processes scanning at once issue it once; a scanner that was down issues only the
 * latest unacknowledged reminder, not the ones it missed.
 */
@Injectable()
export class ReminderScanner implements OnModuleDestroy {
  private readonly logger = new Logger('Reminders');
  private timer: NodeJS.Timeout | null = null;
  private current: Promise<number> | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    @Inject(NOTIFICATION_SETTINGS) private readonly settings: NotificationSettings,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.settings.reminderScanSeconds * 1000);
    this.timer.unref();
    void this.tick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.current?.catch(() => undefined);
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  async tick(): Promise<number | null> {
    if (this.current) return null;
    this.current = this.runOnce();
    try {
      return await this.current;
    } catch (err) {
      this.logger.error(`reminder scan failed: ${(err as Error).message}`);
      return null;
    } finally {
      this.current = null;
    }
  }

  /** Issues every reminder due at `now`; returns how many were issued. */
  async runOnce(now = this.settings.now()): Promise<number> {
    const due = [...(await this.unacknowledged(now)), ...(await this.reportDeadlines(now))];
    let issued = 0;
    for (const d of due) {
      const done = await this.dataSource.transaction(async (m) => {
        const rows: unknown[] = await m.query(
          `INSERT INTO incident_reminders (incident_id, kind, seq, at) VALUES ($1, $2, $3, $4)
           ON CONFLICT DO NOTHING RETURNING seq`,
          [d.id, d.kind, d.seq, now],
        );
        if (!rows.length) return false;
        await this.outbox.enqueue(m, d.id, d.kind, now, `${d.kind}:reminder-${d.seq}`);
        return true;
      });
      if (done) issued += 1;
    }
    return issued;
  }

  private async unacknowledged(now: Date): Promise<Due[]> {
    const minutes = this.settings.unacknowledgedReminderMinutes;
    if (!minutes) return [];
    const rows: { id: string; seq: string }[] = await this.dataSource.query(
      `SELECT i.id, least(floor(extract(epoch FROM ($1 - i.opened_at)) / $2), $3)::int AS seq
       FROM incidents i
       WHERE i.status = 'open' AND i.acknowledged_at IS NULL AND i.opened_at <= $1 - make_interval(secs => $2)
         AND NOT EXISTS (SELECT 1 FROM incident_reminders r WHERE r.incident_id = i.id
           AND r.kind = 'unacknowledged'
           AND r.seq >= least(floor(extract(epoch FROM ($1 - i.opened_at)) / $2), $3))
       ORDER BY i.opened_at LIMIT ${SCAN_LIMIT}`,
      [now, minutes * 60, this.settings.unacknowledgedReminderMax],
    );
    return rows.map((r) => ({ id: r.id, kind: 'unacknowledged', seq: Number(r.seq) }));
  }

  private async reportDeadlines(now: Date): Promise<Due[]> {
    const hours = this.settings.reportReminderHours;
    const rows: { id: string; kind: ReminderKind }[] = await this.dataSource.query(
      `SELECT i.id, CASE WHEN i.report_due_at <= $1 THEN 'report_overdue' ELSE 'report_due' END
         AS kind
       FROM incidents i
       WHERE i.reported_at IS NULL
         AND (i.report_due_at <= $1 OR ($2 > 0 AND i.report_due_at - make_interval(hours => $2) <= $1))
         AND NOT EXISTS (SELECT 1 FROM incident_reminders r WHERE r.incident_id = i.id
           AND r.kind = CASE WHEN i.report_due_at <= $1 THEN 'report_overdue' ELSE 'report_due' END)
       ORDER BY i.report_due_at LIMIT ${SCAN_LIMIT}`,
      [now, hours],
    );
    return rows.map((r) => ({ id: r.id, kind: r.kind, seq: 1 }));
  }
}
