/**
 * Fault: the queue server restarts while work is flowing. A private redis-server (the machine's
 * binary, AOF with fsync on every write) on a free loopback port carries the queues; the test
 * stops it (SIGTERM) and starts it again on the same port and folder while the engine keeps
 * dispatching and two workers keep probing. Afterwards every slot the scheduler dispatched has
 * exactly one stored result, with a real verdict (not "no answer"), and slots dispatched after the
 * restart ran too.
 *
 * Not the machine's shared Redis service: that one runs without persistence (a restart would
 * lose its data, which is not the failure under test) and other suites use it at the same time.
 */
import type { StoredCheck } from '../../src/monitoring/engine';
import { QueueExecutor } from '../../src/scaleout/queue-executor';
import {
  insertTcpCheck,
  type PrivateRedis,
  privateRedis,
  type QueueModeApp,
  sleep,
  startQueueModeEngine,
  startTarget,
  startWorker,
  stopWorkers,
  type Target,
  uniquePrefix,
  waitFor,
  type WorkerProcess,
} from './support';

jest.setTimeout(400_000);

const CHECKS = 20;

describe('scale-out fault: the queue server restarts', () => {
  const prefix = uniquePrefix();
  let redis: PrivateRedis;
  let app: QueueModeApp;
  let target: Target;
  let workers: WorkerProcess[] = [];
  const dispatched: { checkId: string; slot: number; at: number }[] = [];
  let spy: jest.SpyInstance;

  beforeAll(async () => {
    redis = await privateRedis();
    target = await startTarget();
    // Every run the engine hands to the queue, as the engine calls it.
    const run = QueueExecutor.prototype.run;
    spy = jest.spyOn(QueueExecutor.prototype, 'run').mockImplementation(function (
      this: QueueExecutor,
      check: StoredCheck,
      previous,
    ) {
      dispatched.push({ checkId: check.id, slot: check.nextDueAt.getTime(), at: Date.now() });
      return run.call(this, check, previous);
    });
    const env = {
      NETWATCH_REDIS_URL: redis.url,
      NETWATCH_QUEUE_PREFIX: prefix,
      NETWATCH_QUEUE_LOCK_MS: '5000',
      NETWATCH_QUEUE_STALLED_MS: '2000',
    };
    app = await startQueueModeEngine({
      ...env,
      NETWATCH_LOCATIONS: 'r',
      // Long enough that the restart never turns a slot into "no answer in time".
      NETWATCH_RESULT_GRACE_MS: '60000',
    });
    workers = await Promise.all([startWorker('r', env), startWorker('r', env)]);
  });

  afterAll(async () => {
    spy?.mockRestore();
    await stopWorkers(workers);
    await app?.stop();
    await target?.close();
    await redis?.stop();
    redis?.cleanup();
  });

  it('recovers scheduling and workers, and loses no slot', async () => {
    const ids: string[] = [];
    for (let i = 0; i < CHECKS; i++)
      ids.push(
        await insertTcpCheck(
          app.ds,
          `custom:redis-restart-${i}`,
          { address: '127.0.0.1' },
          { port: target.port },
          3000,
          10,
        ),
      );
    await waitFor('work flowing', async () => dispatched.length >= CHECKS);
    await sleep(4000);
    await redis.stop();
    const downAt = Date.now();
    await sleep(2000);
    await redis.start();
    const upAt = Date.now();
    // Keep running across at least one more interval of every check.
    await sleep(15_000);
    await app.ds.query(`UPDATE checks SET enabled = false WHERE id = ANY($1::uuid[])`, [ids]);
    // A tick that claimed its checks before the update still dispatches them: count the slots
    // once dispatching has been quiet for a few ticks.
    let seen = -1;
    await waitFor('dispatching stopped', async () => {
      const quiet = dispatched.length === seen;
      seen = dispatched.length;
      if (!quiet) await sleep(3000);
      return quiet;
    });
    const slots = new Map(dispatched.map((d) => [`${d.checkId}_${d.slot}`, d]));
    const rows = await waitFor(
      'a result for every dispatched slot',
      async () => {
        const r: { check_id: string; at: Date; status: string }[] = await app.ds.query(
          `SELECT check_id, at, status FROM check_results WHERE check_id = ANY($1::uuid[])`,
          [ids],
        );
        return r.length >= slots.size ? r : null;
      },
      120_000,
    );
    const stored = rows.map((r) => `${r.check_id}_${new Date(r.at).getTime()}`);
    expect(new Set(stored).size).toBe(stored.length); // one row per slot
    expect(new Set(stored)).toEqual(new Set(slots.keys())); // no slot lost, nothing extra
    expect(rows.filter((r) => r.status !== 'up')).toEqual([]); // every one a real answer
    expect(slots.size).toBeGreaterThan(CHECKS); // checks ran again after their first slot
    // Slots were dispatched while Redis was down or after it came back, and they ran too.
    expect([...slots.values()].filter((d) => d.at >= downAt).length).toBeGreaterThan(0);
    expect([...slots.values()].filter((d) => d.at >= upAt).length).toBeGreaterThan(0);
    for (const w of workers) expect(w.child.exitCode).toBeNull(); // the workers lived through it
  });
});
