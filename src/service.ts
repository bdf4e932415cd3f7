import { INestApplication, Logger, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { NetwatchConfig } from './config/config.types';
import { EmbeddedPostgres, startEmbeddedPostgres } from './database/embedded-postgres';
import { runMigrations, withSetupLock } from './database/migrate';
import { SecretBox } from './common/secret-box';
import { AuthService } from './auth/auth.service';
import { IncidentOpener } from './incidents/incident-opener';
import { ExampleInventoryLoader } from './inventory/import/example-loader';
import { MonitoringEngine } from './monitoring/engine';
import { EngineMetrics } from './monitoring/metrics';
import { createEngine } from './monitoring/monitoring.providers';
import { NotificationSender } from './notifications/notification-sender';
import { ReminderScanner } from './notifications/reminder-scanner';
import { ReportScheduler } from './reports/runs/report-scheduler';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

export function logLevels(level: NetwatchConfig['log']['level']): LogLevel[] {
  return LEVELS.slice(0, LEVELS.indexOf(level) + 1);
}

export interface RunningService {
  app: INestApplication;
  /** Base URL of the HTTP API, when listening. */
  url?: string;
  databaseUrl: string;
  embedded?: EmbeddedPostgres;
  /** The monitoring engine, when this process runs it. */
  engine?: MonitoringEngine;
  /** Closes HTTP and the pool, then stops the embedded cluster (if this process started it). */
  stop(): Promise<void>;
}

/** Embedded cluster when no DATABASE_URL is configured; otherwise the configured server. */
export async function openDatabase(
  config: NetwatchConfig,
  logger: Logger,
): Promise<{ url: string; embedded?: EmbeddedPostgres }> {
  if (config.database.url) return { url: config.database.url };
  const started = Date.now();
  const embedded = await startEmbeddedPostgres({
    dataDir: config.dataDir,
    port: config.database.embeddedPort,
    log: (m) => logger.debug(m),
  });
  logger.log(
    `embedded PostgreSQL ready on 127.0.0.1:${embedded.port} in ${Date.now() - started} ms`,
  );
  return { url: embedded.url, embedded };
}

/**
 * Starts everything the service needs, in order: database (embedded or configured), Nest,
 * migrations, first-start example inventory, HTTP. Shared by `main.ts`, the CLI and the tests.
 */
export async function startService(
  config: NetwatchConfig,
  options: { listen: boolean; loadExample?: boolean; monitor?: boolean } = { listen: true },
): Promise<RunningService> {
  const logger = new Logger('NetWatch');
  const { url: databaseUrl, embedded } = await openDatabase(config, logger);
  let app: INestApplication | undefined;
  try {
    app = await NestFactory.create(AppModule.forRoot(config, databaseUrl), {
      logger: logLevels(config.log.level),
      bodyParser: false,
      abortOnError: false,
    });
    const dataSource = app.get(DataSource);
    const applied = await runMigrations(dataSource);
    if (applied.length) logger.log(`migrations applied: ${applied.join(', ')}`);
    if (options.loadExample ?? config.inventory.loadExampleOnEmpty) {
      await withSetupLock(dataSource, () => app!.get(ExampleInventoryLoader).loadIfEmpty());
    }
    if (options.listen) {
      // First start: an admin with the configured password or a random one, printed once.
      const admin = await withSetupLock(dataSource, () => app!.get(AuthService).bootstrapAdmin());
      if (admin.generated)
        logger.warn(
          `first start: created user "admin" with password ${admin.password} — sign in and ` +
            'change it (POST /api/auth/password); it is not shown again',
        );
      else if (admin.created) logger.log('first start: created user "admin" (configured password)');
    }
    configureApp(app, config);
    let url: string | undefined;
    if (options.listen) {
      await app.listen(config.server.port, config.server.host);
      const shownHost = config.server.host === '0.0.0.0' ? '127.0.0.1' : config.server.host;
      url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${config.server.port}`;
    }
    let engine: MonitoringEngine | undefined;
    if (options.monitor ?? (options.listen && config.monitoring.enabled)) {
      engine = createEngine(
        dataSource,
        config,
        databaseUrl,
        app.get(SecretBox),
        app.get(EngineMetrics),
      );
      // Failing checks open incidents (one per check, re-opened within the flap window).
      app.get(IncidentOpener).attach(engine);
      // Scheduled compliance reports run in the elected scheduler only.
      app.get(ReportScheduler).attach(engine);
      await engine.start();
    }
    // The outbox is delivered and reminders issued by every listening process (rows are
    // claimed with SKIP LOCKED and reminders are unique per incident, so several can share it).
    const notify = options.listen && config.notifications.enabled;
    if (notify) {
      app.get(NotificationSender).start();
      app.get(ReminderScanner).start();
    }
    const running = app;
    return {
      app: running,
      url,
      databaseUrl,
      embedded,
      engine,
      stop: async () => {
        await engine?.stop();
        if (notify) {
          await running.get(ReminderScanner).stop();
          await running.get(NotificationSender).stop();
        }
        await running.close();
        if (embedded) await embedded.stop();
      },
    };
  } catch (err) {
    await app?.close().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    throw err;
  }
}
