/**
 * Fault: a probe worker is killed (SIGKILL) in the middle of a job. The target holds its
 * banner for a few seconds, so the job is certainly running when the worker dies. BullMQ's
 * stalled-job check (run by the surviving worker) finds the lock expired and puts the job back;
 * the survivor runs it again; one result row is stored for the slot.
 */
import { Queue } from 'bullmq';
import { redisConnection } from '../../src/scaleout/redis';
import {
  dropPrefix,
  insertTcpCheck,
  type QueueModeApp,
  resultsOf,
  SHARED_REDIS,
  sharedQueueEnv,
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

jest.setTimeout(300_000);

describe('scale-out fault: a worker killed mid-job', () => {
  const prefix = uniquePrefix();
  const env = {
    ...sharedQueueEnv(prefix),
    // Small lock and stalled-check interval so the recovery happens within seconds.
    NETWATCH_QUEUE_LOCK_MS: '2000',
    NETWATCH_QUEUE_STALLED_MS: '1000',
  };
  let app: QueueModeApp;
  let target: Target;
  let workers: WorkerProcess[] = [];
  let queue: Queue;

  beforeAll(async () => {
    target = await startTarget({ banner: '220 ready\r\n', holdMs: 3000 });
    app = await startQueueModeEngine({
      ...env,
      NETWATCH_LOCATIONS: 'k',
      NETWATCH_RESULT_GRACE_MS: '30000',
    });
    workers = await Promise.all([startWorker('k', env), startWorker('k', env)]);
    queue = new Queue('probe-k', { connection: redisConnection(SHARED_REDIS), prefix });
  });

  afterAll(async () => {
    await stopWorkers(workers);
    await queue?.close();
    await app?.stop();
    await target?.close();
    await dropPrefix(SHARED_REDIS, prefix);
  });

  it('retries the job on the other worker and stores one result for the slot', async () => {
    const id = await insertTcpCheck(
      app.ds,
      'custom:kill-mid-job',
      { address: '127.0.0.1' },
      { port: target.port, expectBanner: '220', readBannerMs: 10_000 },
      20_000,
    );
    // The job is running once the target has its first connection.
    await waitFor('the first connection to the target', async () => target.connections() >= 1);
    const [active] = await waitFor('the active job', async () => {
      const jobs = await queue.getActive();
      return jobs.length ? jobs : null;
    });
    const victim = workers.find((w) => w.name === active.processedBy);
    expect(victim).toBeDefined();
    const survivor = workers.find((w) => w !== victim)!;
    victim!.kill('SIGKILL');
    expect(await victim!.exited).toBeNull(); // killed by the signal, no exit code

    const [row] = await waitFor('the result row', async () => {
      const rows = await resultsOf(app.ds, id);
      return rows.length ? rows : null;
    });
    expect(row.status).toBe('up');
    expect(row.observations.locations).toEqual([
      expect.objectContaining({ location: 'k', status: 'up', worker: survivor.name }),
    ]);
    // The target saw the killed attempt and the retry.
    expect(target.connections()).toBeGreaterThanOrEqual(2);
    const job = await queue.getJob(active.id!);
    expect(job?.finishedOn).toBeDefined();
    expect(job?.processedBy).toBe(survivor.name);
    // Nothing else arrives for the slot: the run is settled and written once.
    await sleep(3000);
    expect(await resultsOf(app.ds, id)).toHaveLength(1);
  });
});
