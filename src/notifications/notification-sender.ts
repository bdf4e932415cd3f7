import { Inject, Injectable, Logger, OnModuleDestroy, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EngineMetrics } from '../monitoring/metrics';
import { ChannelsService, LoadedChannel } from './channels.service';
import { driverFor } from './channels';
import type { DeliveryResult, NotificationMessage, ReportNotice } from './notification.types';
import { backoffMs, NOTIFICATION_SETTINGS, NotificationSettings } from './notification-settings';
import { isReportPayload, itemFromPayload, ReportPayload } from './outbox-writer';

/** An outbox row as the sender claims it. */
interface OutboxRow {
  id: string;
  channel_id: string;
  incident_id: string | null;
  event: string;
  payload: unknown;
  attempts: number;
}

/** What one pass of the sender did (for tests, logs and metrics). */
export interface SendPass {
  /** Messages delivered (a digest counts once). */
  delivered: number;
  /** Outbox rows delivered (inside digests too). */
  rowsDelivered: number;
  /** Attempts that failed and will be retried. */
  retrying: number;
  /** Rows given up on (`failed`). */
  failed: number;
  /** Rows held back by storm control until the channel's window frees. */
  held: number;
  /** Digests sent. */
  digests: number;
}

/** Claimed rows stay claimed this long; a process that dies while sending frees them after it. */
const CLAIM_MS = 120_000;
/** Rows for a disabled channel are looked at again after this. */
const DISABLED_RECHECK_MS = 60_000;
const CLAIM_BATCH = 500;

/**
 * Delivers the outbox: claims due rows (`FOR UPDATE SKIP LOCKED`, so several processes share
 * the work), sends them through their channel's driver, records every attempt, and schedules
 * retries with exponential backoff. Storm control groups what is due into one digest when a
 * channel would exceed `stormThreshold` messages in `stormWindowSeconds`.
 *
 * Delivery is at-least-once with a stable delivery id: a message is marked sent in the same
 * transaction that records the successful attempt, so a restart never re-sends what was
 * recorded. Only a process that dies between the receiver's acceptance and that commit leaves
 * the row claimed; it is sent again when the claim expires, with the same `X-NetWatch-Delivery`
 * / `Message-ID`, so the receiver can drop it.
 */
@Injectable()
export class NotificationSender implements OnModuleDestroy {
  private readonly logger = new Logger('Notifications');
  private timer: NodeJS.Timeout | null = null;
  private current: Promise<SendPass> | null = null;
  private abort = new AbortController();

  constructor(
    private readonly dataSource: DataSource,
    private readonly channels: ChannelsService,
    @Inject(NOTIFICATION_SETTINGS) private readonly settings: NotificationSettings,
    @Optional() private readonly metrics?: EngineMetrics,
  ) {}

  start(): void {
    if (this.timer) return;
    this.abort = new AbortController();
    this.timer = setInterval(() => void this.tick(), this.settings.pollMs);
    this.timer.unref();
    void this.tick();
  }

  /** Stops polling and waits for the pass in progress (its sends are aborted after `graceMs`). */
  async stop(graceMs = 5000): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (!this.current) return;
    const abortLater = setTimeout(() => this.abort.abort(), graceMs);
    await this.current.catch(() => undefined);
    clearTimeout(abortLater);
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  /** One pass unless one is running; failures are logged, never thrown. */
  async tick(): Promise<SendPass | null> {
    if (this.current) return null;
    this.current = this.runOnce();
    try {
      return await this.current;
    } catch (err) {
      this.logger.error(`notification pass failed: ${(err as Error).message}`);
      return null;
    } finally {
      this.current = null;
    }
  }

  /** Claims every due row and delivers them, channel by channel (channels in parallel). */
  async runOnce(): Promise<SendPass> {
    const pass: SendPass = {
      delivered: 0,
      rowsDelivered: 0,
      retrying: 0,
      failed: 0,
      held: 0,
      digests: 0,
    };
    const now = this.settings.now();
    // A CTE, so the driver returns the rows (a bare UPDATE ... RETURNING comes back as
    // [rows, count] through TypeORM).
    const rows: OutboxRow[] = await this.dataSource.query(
      `WITH due AS (
         SELECT id FROM notification_outbox
         WHERE status IN ('pending','sending') AND next_attempt_at <= $1
           AND (status = 'pending' OR claimed_until < $1)
         ORDER BY id LIMIT ${CLAIM_BATCH} FOR UPDATE SKIP LOCKED),
       claimed AS (
         UPDATE notification_outbox o SET status = 'sending', claimed_until = $2,
           attempts = o.attempts + 1
         FROM due WHERE o.id = due.id
         RETURNING o.id::text AS id, o.channel_id, o.incident_id, o.event, o.payload, o.attempts)
       SELECT * FROM claimed`,
      [now, new Date(now.getTime() + CLAIM_MS)],
    );
    const byChannel = new Map<string, OutboxRow[]>();
    for (const r of rows.sort((a, b) => Number(a.id) - Number(b.id))) {
      const list = byChannel.get(r.channel_id) ?? [];
      list.push(r);
      byChannel.set(r.channel_id, list);
    }
    await Promise.all(
      [...byChannel].map(([channelId, list]) => this.deliverChannel(channelId, list, pass)),
    );
    if (this.metrics) {
      const [{ n }]: { n: number }[] = await this.dataSource.query(
        `SELECT count(*)::int AS n FROM notification_outbox WHERE status IN ('pending','sending')`,
      );
      this.metrics.notificationsPending.set(n);
    }
    return pass;
  }

  private async deliverChannel(channelId: string, claimed: OutboxRow[], pass: SendPass) {
    let rows = claimed;
    let channel: LoadedChannel;
    try {
      channel = await this.channels.load(channelId);
    } catch (err) {
      const result: DeliveryResult = {
        ok: false,
        detail: `channel cannot be used: ${(err as Error).message}`,
        retryable: true,
      };
      await this.record(null, rows, `nw-${rows[0].id}`, result, 0, pass);
      return;
    }
    if (!channel.enabled) {
      await this.release(rows, new Date(this.settings.now().getTime() + DISABLED_RECHECK_MS));
      pass.held += rows.length;
      return;
    }
    // Reports are scheduled and rare: each goes alone, outside storm control.
    for (const row of rows.filter((r) => isReportPayload(r.payload)))
      await this.send(channel, [row], pass);
    rows = rows.filter((r) => !isReportPayload(r.payload));
    if (!rows.length) return;
    const { recent, releaseAt } = await this.stormWindow(channelId);
    const budget = this.settings.stormThreshold - recent;
    if (rows.length <= budget) {
      for (const row of rows) await this.send(channel, [row], pass);
    } else if (budget >= 1) {
      await this.send(channel, rows, pass);
    } else {
      await this.release(rows, releaseAt);
      pass.held += rows.length;
    }
  }

  /** Deliveries on the channel within the storm window, and when the next one is allowed. */
  private async stormWindow(channelId: string): Promise<{ recent: number; releaseAt: Date }> {
    const windowMs = this.settings.stormWindowSeconds * 1000;
    const now = this.settings.now();
    const rows: { at: Date }[] = await this.dataSource.query(
      `SELECT at FROM (
         SELECT DISTINCT ON (a.delivery_id) a.delivery_id, a.at FROM notification_attempts a
         JOIN notification_outbox o ON o.id = a.outbox_id
         WHERE o.channel_id = $1 AND a.ok AND a.at > $2
         ORDER BY a.delivery_id, a.at) d
       ORDER BY at`,
      [channelId, new Date(now.getTime() - windowMs)],
    );
    const excess = rows.length - this.settings.stormThreshold;
    const releaseAt = excess >= 0 ? new Date(new Date(rows[excess].at).getTime() + windowMs) : now;
    return { recent: rows.length, releaseAt };
  }

  /** Sends one message (one row) or one digest (several rows) and records the outcome. */
  private async send(channel: LoadedChannel, rows: OutboxRow[], pass: SendPass): Promise<void> {
    const deliveryId =
      rows.length === 1 ? `nw-${rows[0].id}` : `nw-digest-${rows[0].id}-${rows.at(-1)!.id}`;
    const started = performance.now();
    let result: DeliveryResult;
    try {
      const payload = rows[0].payload;
      const message: NotificationMessage = isReportPayload(payload)
        ? { deliveryId, items: [], report: await this.reportNotice(payload) }
        : { deliveryId, items: rows.map((r) => itemFromPayload(r.payload)) };
      result = await driverFor(channel.kind).send(
        message,
        channel.config,
        channel.secret,
        this.abort.signal,
        this.channels.sendContext,
      );
    } catch (err) {
      // Drivers report delivery problems as results; a throw is a bug, retried like one.
      result = { ok: false, detail: `driver error: ${(err as Error).message}`, retryable: true };
    }
    const ms = Math.round(performance.now() - started);
    if (result.ok && rows.length > 1) pass.digests += 1;
    await this.record(channel, rows, deliveryId, result, ms, pass);
  }

  /** The e-mail of a report run, with its files read from the database. */
  private async reportNotice(p: ReportPayload): Promise<ReportNotice> {
    const files: { name: string; content_type: string; content: Buffer }[] =
      await this.dataSource.query(
        `SELECT name, content_type, content FROM report_files WHERE run_id = $1 AND name = ANY($2)
         ORDER BY name`,
        [p.runId, p.files],
      );
    if (files.length !== p.files.length)
      throw new Error(`report run ${p.runId} no longer has all its files`);
    return {
      subject: p.subject,
      text: p.text,
      to: p.to,
      attachments: files.map((f) => ({
        filename: f.name,
        contentType: f.content_type,
        content: f.content,
      })),
    };
  }

  /** Records one attempt for every row and moves each to sent, pending (retry) or failed. */
  private async record(
    channel: LoadedChannel | null,
    rows: OutboxRow[],
    deliveryId: string,
    result: DeliveryResult,
    durationMs: number,
    pass: SendPass,
  ): Promise<void> {
    const at = this.settings.now();
    const retryingBefore = pass.retrying;
    await this.dataSource.transaction(async (m) => {
      for (const row of rows) {
        await m.query(
          `INSERT INTO notification_attempts (outbox_id, delivery_id, at, ok, code, detail,
             duration_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [row.id, deliveryId, at, result.ok, result.code ?? null, result.detail, durationMs],
        );
        const giveUp =
          !result.ok && (!result.retryable || row.attempts >= this.settings.maxAttempts);
        if (result.ok) {
          await m.query(
            `UPDATE notification_outbox SET status = 'sent', sent_at = $2, delivery_id = $3,
               claimed_until = NULL, last_error = NULL WHERE id = $1`,
            [row.id, at, deliveryId],
          );
        } else if (giveUp) {
          await m.query(
            `UPDATE notification_outbox SET status = 'failed', claimed_until = NULL,
               last_error = $2, delivery_id = $3 WHERE id = $1`,
            [row.id, result.detail, deliveryId],
          );
        } else {
          const next = new Date(at.getTime() + backoffMs(row.attempts, this.settings));
          await m.query(
            `UPDATE notification_outbox SET status = 'pending', claimed_until = NULL,
               next_attempt_at = $2, last_error = $3 WHERE id = $1`,
            [row.id, next, result.detail],
          );
        }
        if (row.incident_id && channel && (result.ok || giveUp)) {
          await m.query(
            `INSERT INTO incident_timeline (incident_id, at, kind, actor, body)
             VALUES ($1, $2, 'notification', 'system:notifications', $3)`,
            [
              row.incident_id,
              at,
              JSON.stringify({
                channel: channel.name,
                channelKind: channel.kind,
                event: row.event,
                deliveryId,
                ...(rows.length > 1 ? { digestOf: rows.length } : {}),
                ...(result.ok
                  ? { delivered: true }
                  : { delivered: false, attempts: row.attempts, detail: result.detail }),
              }),
            ],
          );
        }
        if (result.ok) pass.rowsDelivered += 1;
        else if (giveUp) pass.failed += 1;
        else pass.retrying += 1;
      }
    });
    const kind = channel?.kind ?? 'unknown';
    if (result.ok) this.metrics?.notificationsDelivered.inc({ kind });
    else
      this.metrics?.notificationFailures.inc({
        kind,
        retrying: String(pass.retrying > retryingBefore),
      });
    if (result.ok) pass.delivered += 1;
    else
      this.logger.warn(
        `delivery ${deliveryId} via ${channel?.name ?? rows[0].channel_id} failed: ${result.detail}`,
      );
  }

  /** Puts claimed rows back without counting an attempt. */
  private async release(rows: OutboxRow[], until: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE notification_outbox SET status = 'pending', claimed_until = NULL,
         attempts = attempts - 1, next_attempt_at = $2 WHERE id = ANY($1::bigint[])`,
      [rows.map((r) => r.id), until],
    );
  }
}
