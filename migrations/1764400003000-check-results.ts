import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The monitoring results store (src/monitoring/results/README.md).
 *
 * - `check_results`: one row per check result, range-partitioned by `at` into daily partitions
 *   (`check_results_pYYYYMMDD`, UTC days). No foreign key to the check: ingestion must not pay a
 *   lookup per row, and retention drops whole partitions, which a referencing key would block.
 *   `run_id` is the idempotency key of one result row: UNIQUE (run_id, at) (the partition key
 *   must be part of a unique constraint on a partitioned table), so a retried batch inserts
 *   nothing twice.
 * - `check_rollups_hourly` / `check_rollups_daily`: per check and UTC hour / UTC day, counts per
 *   status, latency sum/count/min/max and a fixed-bucket latency histogram. Partitioned by
 *   `bucket`: monthly (`..._pYYYYMM`) and yearly (`..._pYYYY`) partitions.
 *
 * Each table has a DEFAULT partition that catches rows no dated partition covers; the dated
 * partitions are created ahead, and dropped after the retention, by the partition manager
 * (src/monitoring/results/partition-manager.ts), never here: a migration must not depend on the
 * date it runs.
 *
 * The histogram has 14 buckets, upper bounds (ms) 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000,
 * 2000, 5000, 10000, +inf (LATENCY_BOUNDS_MS in src/monitoring/results/histogram.ts).
 */
export class CheckResults1764400003000 implements MigrationInterface {
  name = 'CheckResults1764400003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE check_results (
      check_id uuid NOT NULL,
      at timestamptz NOT NULL,
      status varchar(12) NOT NULL CONSTRAINT check_results_status_check
        CHECK (status IN ('up','degraded','down','not_tested','unknown','unreachable')),
      family smallint CONSTRAINT check_results_family_check CHECK (family IN (4,6)),
      duration_ms integer NOT NULL CONSTRAINT check_results_duration_check CHECK (duration_ms >= 0),
      latency_ms real CONSTRAINT check_results_latency_check CHECK (latency_ms >= 0),
      reasons jsonb NOT NULL DEFAULT '[]',
      observations jsonb,
      run_id uuid NOT NULL,
      CONSTRAINT check_results_run_key UNIQUE (run_id, at)
    ) PARTITION BY RANGE (at)`);
    await q.query(`CREATE INDEX check_results_check_at_idx ON check_results (check_id, at DESC)`);
    await q.query(`CREATE TABLE check_results_default PARTITION OF check_results DEFAULT`);

    for (const grain of ['hourly', 'daily']) {
      const t = `check_rollups_${grain}`;
      await q.query(`CREATE TABLE ${t} (
        check_id uuid NOT NULL,
        bucket timestamptz NOT NULL,
        up integer NOT NULL DEFAULT 0,
        degraded integer NOT NULL DEFAULT 0,
        down integer NOT NULL DEFAULT 0,
        not_tested integer NOT NULL DEFAULT 0,
        unknown integer NOT NULL DEFAULT 0,
        unreachable integer NOT NULL DEFAULT 0,
        total integer NOT NULL DEFAULT 0,
        latency_sum double precision NOT NULL DEFAULT 0,
        latency_count integer NOT NULL DEFAULT 0,
        latency_min real,
        latency_max real,
        latency_hist integer[] NOT NULL DEFAULT array_fill(0, ARRAY[14]),
        CONSTRAINT ${t}_pkey PRIMARY KEY (check_id, bucket),
        CONSTRAINT ${t}_hist_check CHECK (cardinality(latency_hist) = 14),
        CONSTRAINT ${t}_total_check
          CHECK (total = up + degraded + down + not_tested + unknown + unreachable)
      ) PARTITION BY RANGE (bucket)`);
      await q.query(`CREATE TABLE ${t}_default PARTITION OF ${t} DEFAULT`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    // Dropping a partitioned table drops its partitions.
    await q.query(`DROP TABLE check_rollups_daily`);
    await q.query(`DROP TABLE check_rollups_hourly`);
    await q.query(`DROP TABLE check_results`);
  }
}
