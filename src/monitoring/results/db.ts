import { DatabaseError, type Pool, type PoolClient } from 'pg';
import type { DataSource, QueryRunner } from 'typeorm';

/** One connection (a session): statements run in order on it. */
export interface SqlSession {
  query<R extends object = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
}

/**
 * What the results store needs from the database: statements on any pooled connection, and a
 * dedicated session for session-level state (advisory locks, transactions).
 */
export interface SqlDatabase extends SqlSession {
  withSession<T>(fn: (session: SqlSession) => Promise<T>): Promise<T>;
}

function isPool(db: Pool | DataSource): db is Pool {
  return typeof (db as Partial<Pool>).connect === 'function' && !('createQueryRunner' in db);
}

/** Adapts a `pg.Pool` or a TypeORM `DataSource`. */
export function sqlDatabase(db: Pool | DataSource | SqlDatabase): SqlDatabase {
  if ('withSession' in db) return db;
  if (isPool(db)) return poolDatabase(db);
  return dataSourceDatabase(db);
}

function poolDatabase(pool: Pool): SqlDatabase {
  return {
    async query<R extends object>(sql: string, params?: unknown[]): Promise<R[]> {
      const res = await pool.query<R>(sql, params);
      return res.rows;
    },
    async withSession<T>(fn: (session: SqlSession) => Promise<T>): Promise<T> {
      const client: PoolClient = await pool.connect();
      let broken = false;
      try {
        return await fn({
          async query<R extends object>(sql: string, params?: unknown[]): Promise<R[]> {
            try {
              return (await client.query<R>(sql, params)).rows;
            } catch (err) {
              // A connection-level failure leaves the session unusable: do not pool it again.
              if (!(err instanceof DatabaseError)) broken = true;
              throw err;
            }
          },
        });
      } finally {
        client.release(broken);
      }
    },
  };
}

function dataSourceDatabase(ds: DataSource): SqlDatabase {
  return {
    async query<R extends object>(sql: string, params?: unknown[]): Promise<R[]> {
      return (await ds.query(sql, params)) as R[];
    },
    async withSession<T>(fn: (session: SqlSession) => Promise<T>): Promise<T> {
      const runner: QueryRunner = ds.createQueryRunner();
      await runner.connect();
      try {
        return await fn({
          async query<R extends object>(sql: string, params?: unknown[]): Promise<R[]> {
            return (await runner.query(sql, params)) as R[];
          },
        });
      } finally {
        await runner.release();
      }
    },
  };
}

/** The SQLSTATE of a database error (pg or TypeORM's QueryFailedError), if any. */
export function sqlState(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}
