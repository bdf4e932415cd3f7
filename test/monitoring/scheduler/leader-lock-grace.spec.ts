import { LeaderLock } from '../../../src/monitoring/scheduler/leader-lock';
import { PrivatePostgres, privatePostgres } from './private-postgres';

const until = async (cond: () => boolean, ms = 15_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The PostgreSQL leader lock when the database server itself goes down: its own cluster, which
 * the test stops and starts (the shared test server must not be stopped).
 */
describe('scheduler lock: grace while the PostgreSQL server is down', () => {
  let pg: PrivatePostgres;
  const url = () => pg.url;

  beforeAll(async () => {
    pg = await privatePostgres();
  }, 120_000);
  afterAll(async () => {
    await pg?.destroy();
  });
  const restart = async (downMs: number): Promise<void> => {
    await pg.stop();
    await sleep(downMs);
    await pg.start();
  };

  it('keeps leading while the server is down, and takes the lock again when it is back', async () => {
    const lost: string[] = [];
    const notices: string[] = [];
    const a = new LeaderLock({
      url: url(),
      key: 77,
      pollMs: 200,
      graceMs: 60_000,
      onLost: (r) => lost.push(r),
      onNotice: (m) => notices.push(m),
    });
    try {
      expect(await a.start()).toBe(true);
      await pg.stop();
      await until(() => notices.length > 0);
      expect(notices[0]).toMatch(/the database is down .* nobody can hold the lock/);
      await sleep(1500);
      expect(a.isLeader).toBe(true);
      await pg.start();
      await until(() => notices.some((n) => /taken again/.test(n)));
      expect(a.isLeader).toBe(true);
      expect(lost).toEqual([]);
      // It really holds it: nobody else gets it.
      const b = new LeaderLock({ url: url(), key: 77, pollMs: 200 });
      expect(await b.start()).toBe(false);
      await b.stop();
    } finally {
      await a.stop();
    }
  }, 60_000);

  it('stands down when another instance took the lock first after the restart', async () => {
    const lost: string[] = [];
    const a = new LeaderLock({
      url: url(),
      key: 78,
      pollMs: 200,
      graceMs: 60_000,
      // Slow on purpose, so b reconnects first even when a loaded machine takes seconds to
      // restart the cluster.
      gracePollMs: 15_000,
      onLost: (r) => lost.push(r),
    });
    const b = new LeaderLock({ url: url(), key: 78, pollMs: 100 });
    try {
      expect(await a.start()).toBe(true);
      await restart(300);
      expect(await b.start()).toBe(true);
      await until(() => lost.length > 0, 45_000);
      expect(lost[0]).toMatch(/another instance took the lock/);
      expect([a.isLeader, b.isLeader]).toEqual([false, true]);
    } finally {
      await a.stop();
      await b.stop();
    }
  }, 120_000);

  it('without a grace, stands down at once (the previous behaviour)', async () => {
    const lost: string[] = [];
    const a = new LeaderLock({ url: url(), key: 79, pollMs: 200, onLost: (r) => lost.push(r) });
    try {
      expect(await a.start()).toBe(true);
      await restart(300);
      await until(() => lost.length > 0);
      expect(a.isLeader).toBe(false);
    } finally {
      await a.stop();
    }
  }, 60_000);
});
