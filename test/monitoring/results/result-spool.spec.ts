import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqlDatabase, sqlDatabase } from '../../../src/monitoring/results/db';
import { PartitionManager } from '../../../src/monitoring/results/partition-manager';
import { ResultSpool } from '../../../src/monitoring/results/result-spool';
import { ResultWriter, toRow } from '../../../src/monitoring/results/result-writer';
import { generateResults, ResultsDatabase, resultsDatabase, waitFor } from './support';

const CHECKS = Array.from({ length: 4 }, () => randomUUID());
const START = new Date('2025-06-01T00:00:00Z');
const SPAN_MS = 86_400_000;

const segments = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => f.startsWith('seg-'))
    .sort();

/** A pid that certainly belongs to no running process (a child that has exited). */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid ?? 999_999;

describe('ResultSpool (files)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'netwatch-spool-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('splits lines into segments and reads them back in order', async () => {
    const spool = ResultSpool.open({ dir, segmentRows: 4, syncMs: 0 });
    const lines = Array.from({ length: 10 }, (_, i) => JSON.stringify({ i }));
    for (const l of lines) expect(spool.append(l)).toBe(true);
    await spool.sync();
    expect(segments(dir)).toHaveLength(3);
    expect(spool.unread).toBe(10);
    const read: string[] = [];
    for (let next = await spool.readNext(); next; next = await spool.readNext()) {
      read.push(...next.lines);
      await spool.commit(next.segment, next.lines.length);
    }
    expect(read).toEqual(lines);
    expect(segments(dir)).toEqual([]);
    expect(spool.bytes).toBe(0);
    await spool.close();
    expect(existsSync(join(dir, 'LOCK'))).toBe(false);
  });

  it('deletes a segment only once every row read from it is committed', async () => {
    const spool = ResultSpool.open({ dir, segmentRows: 5, syncMs: 0 });
    for (let i = 0; i < 5; i++) spool.append(`{"i":${i}}`);
    const next = await spool.readNext();
    expect(next?.lines).toHaveLength(5);
    await spool.commit(next!.segment, 3);
    expect(segments(dir)).toHaveLength(1);
    await spool.commit(next!.segment, 2);
    expect(segments(dir)).toEqual([]);
    await spool.close();
  });

  it('refuses lines beyond maxBytes and counts them', async () => {
    const spool = ResultSpool.open({ dir, maxBytes: 1024, syncMs: 0 });
    const line = 'x'.repeat(99); // 100 bytes with its newline
    const accepted = Array.from({ length: 15 }, () => spool.append(line)).filter(Boolean).length;
    expect(accepted).toBe(10);
    expect(spool.dropped).toBe(5);
    expect(spool.bytes).toBe(1000);
    await spool.sync();
    // Room again once rows are read back and committed.
    const next = await spool.readNext();
    await spool.commit(next!.segment, next!.lines.length);
    expect(spool.append(line)).toBe(true);
    await spool.close();
  });

  it('finds segments left by a crashed process, and refuses a folder a live process holds', async () => {
    writeFileSync(join(dir, 'seg-0000000000000007.jsonl'), '{"a":1}\n{"a":2}\n{"a":');
    writeFileSync(join(dir, 'LOCK'), `${deadPid()}\n`);
    const spool = ResultSpool.open({ dir, syncMs: 0 });
    expect(spool.recovered).toBe(3); // the torn third line is counted, then refused by the reader
    spool.append('{"a":3}');
    const first = await spool.readNext();
    expect(first?.lines).toEqual(['{"a":1}', '{"a":2}', '{"a":']);
    const second = await spool.readNext();
    expect(second?.lines).toEqual(['{"a":3}']);
    expect(second?.segment.seq).toBe(8);
    await spool.close();

    writeFileSync(join(dir, 'LOCK'), `${process.ppid}\n`); // alive: jest's parent
    expect(() => ResultSpool.open({ dir })).toThrow(/in use by process/);
    rmSync(join(dir, 'LOCK'));
    const again = ResultSpool.open({ dir });
    expect(() => ResultSpool.open({ dir })).toThrow(/already open/);
    await again.close();
  });
});

describe('ResultWriter with a spool (PostgreSQL)', () => {
  let db: ResultsDatabase;
  let dir: string;
  let down = false;
  let flaky: SqlDatabase;

  beforeAll(async () => {
    db = await resultsDatabase();
    const manager = new PartitionManager(db.pool);
    const end = new Date(START.getTime() + SPAN_MS);
    await manager.ensurePartitions('check_results', START, end);
    await manager.ensurePartitions('check_rollups_hourly', START, end);
    await manager.ensurePartitions('check_rollups_daily', START, end);
    const real = sqlDatabase(db.pool);
    flaky = {
      withSession: (fn) => real.withSession(fn),
      query: async (sql, params) => {
        if (down) {
          const err = new Error('connect ECONNREFUSED 127.0.0.1:1') as Error & { code: string };
          err.code = 'ECONNREFUSED';
          throw err;
        }
        return real.query(sql, params);
      },
    };
  });
  afterAll(async () => db.drop());
  beforeEach(async () => {
    down = false;
    dir = mkdtempSync(join(tmpdir(), 'netwatch-spool-'));
    await db.pool.query('TRUNCATE check_results, check_rollups_hourly, check_rollups_daily');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const stored = async (): Promise<Map<string, number>> => {
    const { rows } = await db.pool.query<{ run_id: string; n: number }>(
      'SELECT run_id::text, count(*)::int AS n FROM check_results GROUP BY run_id',
    );
    return new Map(rows.map((r) => [r.run_id, r.n]));
  };

  it('keeps memoryRows in memory and the rest on disk while the database is down, then writes each once', async () => {
    const writer = new ResultWriter(flaky, {
      batchSize: 25,
      flushIntervalMs: 3_600_000,
      maxQueued: 10,
      spool: { dir, segmentRows: 7, syncMs: 0 },
    });
    const results = generateResults(100, CHECKS, START, SPAN_MS, 21);
    down = true;
    for (const r of results) expect(writer.write(r)).toBe(true);
    await expect(writer.flush()).rejects.toThrow('ECONNREFUSED');
    expect(writer.stats()).toMatchObject({ queued: 10, spooled: 90, dropped: 0 });
    // 90 rows, 7 per segment, on disk within the spool's sync delay.
    expect(await waitFor(async () => segments(dir).length === 13)).toBe(true);

    // Back, but the first batch read from the spool fails: its segment stays on disk.
    down = false;
    let calls = 0;
    const real = flaky.query;
    flaky.query = async (sql, params) => {
      if (++calls === 2) throw Object.assign(new Error('reset'), { code: 'ECONNRESET' });
      return real(sql, params);
    };
    await expect(writer.flush()).rejects.toThrow('reset');
    expect(segments(dir)).toHaveLength(13);
    expect(writer.stats().written).toBe(10);
    flaky.query = real;
    await writer.flush();
    expect(writer.stats()).toMatchObject({ written: 100, duplicates: 0, queued: 0, spooled: 0 });
    expect(segments(dir)).toEqual([]);
    const runs = await stored();
    expect(runs.size).toBe(100);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    expect(results.every((r) => runs.has(r.runId))).toBe(true);
    await writer.close();
  });

  it('drops and counts results beyond the spool bound', async () => {
    const drops: number[] = [];
    const writer = new ResultWriter(flaky, {
      flushIntervalMs: 3_600_000,
      maxQueued: 5,
      spool: { dir, maxBytes: 4096, syncMs: 0 },
      onDrop: () => drops.push(1),
    });
    const results = generateResults(60, CHECKS, START, SPAN_MS, 22);
    down = true;
    const accepted = results.filter((r) => writer.write(r)).length;
    const s = writer.stats();
    expect(s.dropped).toBe(60 - accepted);
    expect(s.dropped).toBeGreaterThan(0);
    expect(drops).toHaveLength(s.dropped);
    expect(s.spoolBytes).toBeLessThanOrEqual(4096);
    down = false;
    await writer.close();
    expect((await stored()).size).toBe(accepted);
  });

  it('spills memory to the spool when closed during an outage, and a new writer replays it once', async () => {
    const results = generateResults(30, CHECKS, START, SPAN_MS, 23);
    const first = new ResultWriter(flaky, {
      flushIntervalMs: 3_600_000,
      maxQueued: 20,
      spool: { dir, segmentRows: 8, syncMs: 0 },
    });
    // 5 stored before the outage.
    for (const r of results.slice(0, 5)) first.write(r);
    await first.flush();
    down = true;
    for (const r of results.slice(5)) first.write(r);
    await first.close(); // resolves: nothing is lost
    expect(first.stats()).toMatchObject({ written: 5, dropped: 0 });
    down = false;

    // A crash would leave the same files; add a row stored already (a replay after a lost ack).
    writeFileSync(
      join(dir, 'seg-9000000000000000.jsonl'),
      `${JSON.stringify(toRow(results[0]))}\nnot json\n`,
    );
    const second = new ResultWriter(db.pool, { spool: { dir, syncMs: 0 } });
    expect(second.stats().recovered).toBe(27);
    await second.close();
    expect(second.stats()).toMatchObject({ written: 25, duplicates: 1, corruptRows: 1 });
    expect(segments(dir)).toEqual([]);
    const runs = await stored();
    expect(runs.size).toBe(30);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
  });

  it('keeps the spool files of rows that were not written when a new writer cannot reach the database', async () => {
    writeFileSync(
      join(dir, 'seg-0000000000000001.jsonl'),
      generateResults(3, CHECKS, START, SPAN_MS, 24)
        .map((r) => JSON.stringify(toRow(r)))
        .join('\n') + '\n',
    );
    down = true;
    const writer = new ResultWriter(flaky, { spool: { dir, syncMs: 0 } });
    await writer.close();
    // The segment was read back, failed, and stays; nothing is duplicated into a new file.
    expect(segments(dir)).toEqual(['seg-0000000000000001.jsonl']);
    expect(readFileSync(join(dir, 'seg-0000000000000001.jsonl'), 'utf8').split('\n')).toHaveLength(
      4,
    );
  });
});
