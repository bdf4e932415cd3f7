import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from './config/config.loader';
import { logLevels, startService } from './service';

async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfig();
  Logger.overrideLogger(logLevels(config.log.level));
  const logger = new Logger('NetWatch');
  const service = await startService(config, { listen: true });
  logger.log(
    `listening on ${service.url} (API docs at ${service.url}/api/docs) after ${Date.now() - started} ms`,
  );

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    logger.log(`${signal} received: draining HTTP, closing the database pool, stopping PostgreSQL`);
    service.stop().then(
      () => {
        logger.log('stopped cleanly');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error(`shutdown failed: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, shutdown);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`NetWatch failed to start: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
