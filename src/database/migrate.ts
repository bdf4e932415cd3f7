import { DataSource } from 'typeorm';

/** Arbitrary but fixed: the advisory lock serialising migrations and first-start seeding. */
const SETUP_LOCK = 0x6e657477; // "netw"

/**
 * Runs `fn` while holding a PostgreSQL advisory lock, so two instances starting together do not
 * both migrate or both load the example inventory.
 */
export async function withSetupLock<T>(dataSource: DataSource, fn: () => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [SETUP_LOCK]);
    try {
      return await fn();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [SETUP_LOCK]);
    }
  } finally {
    await runner.release();
  }
}

/** Applies pending migrations, each in its own transaction; returns the names applied. */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  return withSetupLock(dataSource, async () => {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  });
}
