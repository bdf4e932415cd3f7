/**
 * Queue mode end to end: the service's engine (createEngine with scaleout.mode = queue) hands
 * checks to two real `netwatch worker` processes at two locations through BullMQ on the
 * machine's Redis (own key prefix), and stores one combined result per slot.
 *
 * The two locations see the target differently the way two vantage points really do: each
 * worker asks its own resolver (split-horizon DNS). Location a's resolver gives the name the
 * address where the target listens (127.0.0.1); location b's gives 127.0.0.3, where nothing
 * listens, so b sees it down (connection refused) while a sees it up.
 */
import { Queue } from 'bullmq';
import { EngineMetrics } from '../../src/monitoring/metrics';
import { slotRunId } from '../../src/scaleout/identity';
import { redisConnection } from '../../src/scaleout/redis';
import { start as startDns, type RunningServer } from '../support/dns/authoritative-server';
import { a, zone } from '../probes/ipv6/servers';
import {
  dropPrefix,
  insertTcpCheck,
  type QueueModeApp,
  resultsOf,
  SHARED_REDIS,
  sharedQueueEnv,
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

describe('scale-out: queue mode with workers at two locations', () => {
  const prefix = uniquePrefix();
  let app: QueueModeApp;
  let dnsA: RunningServer;
  let dnsB: RunningServer;
  let target: Target;
  let wa: WorkerProcess;
  let wb: WorkerProcess;

  const redisEnv = sharedQueueEnv(prefix);

  beforeAll(async () => {
    target = await startTarget();
    dnsA = await startDns({
      zones: [zone('q.test', [a('svc.q.test', '127.0.0.1')])],
      addresses: ['127.0.0.1'],
    });
    dnsB = await startDns({
      zones: [zone('q.test', [a('svc.q.test', '127.0.0.3')])],
      addresses: ['127.0.0.1'],
    });
    app = await startQueueModeEngine({
      ...redisEnv,
      NETWATCH_LOCATIONS: 'a',
      NETWATCH_RESULT_GRACE_MS: '10000',
    });
    [wa, wb] = await Promise.all([
      startWorker('a', { ...redisEnv, NETWATCH_RESOLVER: `127.0.0.1:${dnsA.port}` }),
      startWorker('b', { ...redisEnv, NETWATCH_RESOLVER: `127.0.0.1:${dnsB.port}` }),
    ]);
  });

  afterAll(async () => {
    await stopWorkers([wa, wb]);
    await app?.stop();
    await Promise.all([dnsA?.stop(), dnsB?.stop(), target?.close()]);
    await dropPrefix(SHARED_REDIS, prefix);
  });

  const nextRow = async (checkId: string, count: number) =>
    waitFor(`result ${count} of check ${checkId}`, async () => {
      const rows = await resultsOf(app.ds, checkId);
      return rows.length >= count ? rows : null;
    });
  const dueAgain = (checkId: string) =>
    app.ds.query(`UPDATE checks SET next_due_at = now() - interval '1 second' WHERE id = $1`, [
      checkId,
    ]);

  it('runs a check at the default location on that location’s worker: one row for the slot, run id from check and slot', async () => {
    const id = await insertTcpCheck(
      app.ds,
      'custom:qm-default',
      { address: '127.0.0.1' },
      { port: target.port },
    );
    const [row] = await nextRow(id, 1);
    expect(row.status).toBe('up');
    expect(row.observations.locations).toEqual([
      expect.objectContaining({ location: 'a', status: 'up', worker: wa.name }),
    ]);
    expect(row.run_id).toBe(slotRunId(id, new Date(row.at)));
  });

  it('k of n: with downQuorum 2 one location seeing it down is degraded; both seeing it down is down', async () => {
    const settings = { port: target.port, locations: ['a', 'b'] };
    const q2 = await insertTcpCheck(
      app.ds,
      'custom:qm-q2',
      { host: 'svc.q.test' },
      { ...settings, downQuorum: 2 },
    );
    const q1 = await insertTcpCheck(app.ds, 'custom:qm-q1', { host: 'svc.q.test' }, settings);
    const [first] = await nextRow(q2, 1);
    expect(first.status).toBe('degraded');
    expect(first.observations.quorum).toEqual({ needed: 2, down: 1, of: 2 });
    expect(first.observations.locations).toEqual([
      expect.objectContaining({ location: 'a', status: 'up', worker: wa.name }),
      expect.objectContaining({ location: 'b', status: 'down', worker: wb.name }),
    ]);
    expect(first.reasons[0]).toEqual({
      code: 'quorum',
      message: 'down at 1 of 2 locations (b); 2 needed for down',
    });
    // The same view with the default quorum of 1: one location is enough.
    const [single] = await nextRow(q1, 1);
    expect(single.status).toBe('down');

    // Now nothing listens at location a's address either.
    await target.close();
    await dueAgain(q2);
    const rows = await nextRow(q2, 2);
    expect(rows[1].status).toBe('down');
    expect(rows[1].observations.quorum).toEqual({ needed: 2, down: 2, of: 2 });
    expect(rows[1].reasons[0].code).toBe('quorum_down');
  });

  it('counts dispatched jobs and received results per location', async () => {
    const text = await app.t.app.get(EngineMetrics).registry.metrics();
    expect(text).toMatch(/netwatch_scaleout_jobs_dispatched_total\{location="b"\} [1-9]/);
    expect(text).toMatch(/netwatch_scaleout_results_total\{location="a",outcome="on_time"\} [1-9]/);
    expect(text).toMatch(/netwatch_scaleout_queue_latency_seconds_count [1-9]/);
  });

  it('keeps the completed jobs under their idempotency keys: a second dispatch of a slot is refused', async () => {
    const q = new Queue('probe-b', { connection: redisConnection(SHARED_REDIS), prefix });
    try {
      const [done] = await q.getCompleted(0, 0);
      expect(done).toBeDefined();
      const again = await q.add('probe', { v: 0 }, { jobId: done.id });
      expect(again.id).toBe(done.id);
      expect(await q.getWaitingCount()).toBe(0);
    } finally {
      await q.close();
    }
  });

  it('stops a worker cleanly on SIGTERM (exit code 0)', async () => {
    wb.kill('SIGTERM');
    expect(await wb.exited).toBe(0);
    expect(wb.output()).toMatch(/stopped: \d+ checks run/);
  });
});
