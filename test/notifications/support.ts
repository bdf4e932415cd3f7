import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/config.loader';
import { IncidentsService } from '../../src/incidents/incidents.service';
import { ChannelsService } from '../../src/notifications/channels.service';
import { NotificationSender } from '../../src/notifications/notification-sender';
import { ReminderScanner } from '../../src/notifications/reminder-scanner';
import { RoutesService } from '../../src/notifications/routes.service';
import { startService } from '../../src/service';
import { App } from 'supertest/types';
import { signedHandler, tokenFor } from '../support/auth';
import { createTestDatabase } from '../support/database';

/** One key for every process of a test, so a second process opens the first one's secrets. */
const SECRET_KEY = randomBytes(32).toString('base64');

/** Fast retries so a test sees several attempts in a few seconds. */
export const FAST_RETRY = {
  NETWATCH_NOTIFY_BACKOFF_SECONDS: '1',
  NETWATCH_NOTIFY_BACKOFF_MAX_SECONDS: '1',
};

export interface NotifyProcess {
  app: INestApplication;
  /** For supertest, signed as an admin. */
  http: App;
  ds: DataSource;
  incidents: IncidentsService;
  channels: ChannelsService;
  routes: RoutesService;
  sender: NotificationSender;
  reminders: ReminderScanner;
  /** Stops the process like SIGTERM does (the database stays). */
  stop(): Promise<void>;
}

/**
 * The real service (not listening, monitoring off) on `databaseUrl`; the sender and reminder
 * scanner are driven by the test (`sender.runOnce()`), not by their timers.
 */
export async function startProcess(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<NotifyProcess> {
  const config = loadConfig({
    env: {
      DATABASE_URL: databaseUrl,
      NETWATCH_DATA_DIR: mkdtempSync(join(tmpdir(), 'netwatch-notify-')),
      NETWATCH_SECRET_KEY: SECRET_KEY,
      NETWATCH_LOG_LEVEL: 'error',
      NETWATCH_LOAD_EXAMPLE: 'false',
      NETWATCH_MONITORING: 'false',
      ...env,
    },
  });
  const service = await startService(config, { listen: false, loadExample: false });
  await service.app.init();
  const app = service.app;
  const token = await tokenFor(app, 'admin');
  return {
    app,
    http: signedHandler(app, token),
    ds: app.get(DataSource),
    incidents: app.get(IncidentsService),
    channels: app.get(ChannelsService),
    routes: app.get(RoutesService),
    sender: app.get(NotificationSender),
    reminders: app.get(ReminderScanner),
    stop: () => service.stop(),
  };
}

export async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  return createTestDatabase();
}

export const tag = (prefix: string): string => `${prefix}-${randomBytes(4).toString('hex')}`;

export async function insertUnit(
  ds: DataSource,
  code: string,
  parentId: string | null = null,
  name = code,
): Promise<string> {
  const rows: { id: string }[] = await ds.query(
    `INSERT INTO units (code, kind, name, parent_id) VALUES ($1, 'department', $2, $3) RETURNING id`,
    [code, name, parentId],
  );
  return rows[0].id;
}

export interface OutboxRow {
  id: string;
  channel_id: string;
  incident_id: string;
  event: string;
  status: string;
  attempts: number;
  delivery_id: string | null;
  last_error: string | null;
}

export async function outboxOf(ds: DataSource, channelId: string): Promise<OutboxRow[]> {
  return ds.query(
    `SELECT id::text, channel_id, incident_id, event, status, attempts, delivery_id, last_error
     FROM notification_outbox WHERE channel_id = $1 ORDER BY id`,
    [channelId],
  );
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
