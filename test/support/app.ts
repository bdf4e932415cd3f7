import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { loadConfig } from '../../src/config/config.loader';
import { NetwatchConfig } from '../../src/config/config.types';
import { startService } from '../../src/service';
import { App } from 'supertest/types';
import { tokenFor, signedHandler } from './auth';
import { createTestDatabase } from './database';

export interface TestApp {
  app: INestApplication;
  /** For supertest: every request signed as an admin unless it sets Authorization itself. */
  http: App;
  /** The admin API token `http` signs with. */
  token: string;
  config: NetwatchConfig;
  databaseUrl: string;
  close(): Promise<void>;
}

/**
 * The real service (same start-up code as `npm start`: migrations check, HTTP pipeline) on its
 * own fresh database, not listening; drive it with supertest(t.http) (signed as an admin).
 */
export async function startTestApp(
  overrides: Partial<Record<string, string>> = {},
  options: { loadExample?: boolean } = {},
): Promise<TestApp> {
  const db = await createTestDatabase();
  const config = loadConfig({
    env: {
      DATABASE_URL: db.url,
      NETWATCH_DATA_DIR: mkdtempSync(join(tmpdir(), 'netwatch-app-')),
      NETWATCH_LOG_LEVEL: 'error',
      NETWATCH_LOAD_EXAMPLE: 'false',
      ...overrides,
    },
  });
  const service = await startService(config, {
    listen: false,
    loadExample: options.loadExample ?? false,
  });
  await service.app.init();
  const token = await tokenFor(service.app, 'admin');
  return {
    app: service.app,
    http: signedHandler(service.app, token),
    token,
    config,
    databaseUrl: db.url,
    close: async () => {
      await service.stop();
      await db.drop();
    },
  };
}
