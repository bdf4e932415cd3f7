import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { CheckResults1764400003000 } from '../../../migrations/1764400003000-check-results';
import type { CheckResult, ResultStatus } from '../../../src/monitoring/results/types';
import { createTestDatabase } from '../../support/database';

export interface ResultsDatabase {
  url: string;
  pool: Pool;
  drop(): Promise<void>;
}

/**
 * A fresh test database with the results schema. The migration is applied here unless the
 * template already has it (once it is registered in migrations/index.ts).
 */
export async function resultsDatabase(timeZone = 'UTC'): Promise<ResultsDatabase> {
  const db = await createTestDatabase();
  const ds = new DataSource({ type: 'postgres', url: db.url });
  await ds.initialize();
  try {
    const [row] = (await ds.query(`SELECT to_regclass('check_results') IS NOT NULL AS exists`)) as {
      exists: boolean;
    }[];
    if (!row.exists) {
      const runner = ds.createQueryRunner();
      try {
        await new CheckResults1764400003000().up(runner);
      } finally {
        await runner.release();
      }
    }
  } finally {
    await ds.destroy();
  }
  // A session time zone other than UTC proves that buckets do not depend on it.
  const pool = new Pool({ connectionString: db.url, max: 4, options: `-c TimeZone=${timeZone}` });
  // On a shared server an idle connection can be cut from outside; the pool replaces it, and
  // an unlistened 'error' event must not crash the suite.
  pool.on('error', () => undefined);
  return {
    url: db.url,
    pool,
    drop: async () => {
      await pool.end();
      await db.drop();
    },
  };
}

/** Deterministic PRNG (mulberry32), so a failing run can be replayed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STATUSES: ResultStatus[] = [
  'up',
  'up',
  'up',
  'up',
  'degraded',
  'down',
  'not_tested',
  'unknown',
  'unreachable',
];

/**
 * `n` results for `checkIds`, spread at random over [from, from + spanMs). Latencies are
 * multiples of 1/4 ms (exact in float4 and float8, so sums compare exactly), hitting the
 * histogram bounds now and then; about 1 in 10 has none.
 */
export function generateResults(
  n: number,
  checkIds: readonly string[],
  from: Date,
  spanMs: number,
  seed = 1,
): CheckResult[] {
  const rnd = prng(seed);
  const bounds = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];
  const out: CheckResult[] = [];
  for (let i = 0; i < n; i++) {
    const r = rnd();
    let latencyMs: number | null;
    if (r < 0.1) latencyMs = null;
    else if (r < 0.2) latencyMs = bounds[Math.floor(rnd() * bounds.length)];
    else latencyMs = Math.round(Math.exp(rnd() * 10) * 4) / 4; // 1 .. ~22000 ms, log-spread
    out.push({
      checkId: checkIds[Math.floor(rnd() * checkIds.length)],
      at: new Date(from.getTime() + Math.floor(rnd() * spanMs)),
      status: STATUSES[Math.floor(rnd() * STATUSES.length)],
      family: rnd() < 0.5 ? 4 : rnd() < 0.5 ? 6 : null,
      durationMs: Math.floor(rnd() * 30000),
      latencyMs,
      reasons: [{ code: 'c', message: `m "quoted" \\ ${i}` }],
      observations: i % 3 === 0 ? null : { i, text: 'ü ℓ {x}' },
      runId: randomUUID(),
    });
  }
  return out;
}

/** Polls `fn` until it returns true or `timeoutMs` passes. */
export async function waitFor(fn: () => Promise<boolean>, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await fn()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
}
