import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { freePort } from '../../../src/database/embedded-postgres';
import { RedisLeaderLock } from '../../../src/monitoring/scheduler/redis-leader-lock';

const URL = process.env.NETWATCH_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const until = async (cond: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('scheduler: single leader through a Redis key (queue mode)', () => {
  const key = `netwatch-test:leader:${randomUUID()}`;
  let admin: Redis;
  beforeAll(() => {
    admin = new Redis(URL);
  });
  afterAll(async () => {
    await admin.del(key);
    admin.disconnect();
  });

  it('lets one instance lead and hands over when it stops', async () => {
    const acquired: string[] = [];
    const a = new RedisLeaderLock({
      url: URL,
      key,
      ttlMs: 900,
      onAcquired: () => acquired.push('a'),
    });
    const b = new RedisLeaderLock({
      url: URL,
      key,
      ttlMs: 900,
      onAcquired: () => acquired.push('b'),
    });
    try {
      expect(await a.start()).toBe(true);
      expect(await b.start()).toBe(false);
      // Renewals keep it: well past the TTL, a still leads and b still waits.
      await new Promise((r) => setTimeout(r, 2000));
      expect([a.isLeader, b.isLeader]).toEqual([true, false]);
      await a.stop();
      expect(await admin.exists(key)).toBe(0); // released, not left to expire
      await until(() => b.isLeader);
      expect(acquired).toEqual(['a', 'b']);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('stands down when its key is gone or someone else holds it, and never deletes theirs', async () => {
    const lost: string[] = [];
    const a = new RedisLeaderLock({ url: URL, key, ttlMs: 900, onLost: (r) => lost.push(r) });
    try {
      expect(await a.start()).toBe(true);
      await admin.set(key, 'someone-else', 'PX', 60_000);
      await until(() => lost.length > 0);
      expect(a.isLeader).toBe(false);
      await a.stop();
      expect(await admin.get(key)).toBe('someone-else');
    } finally {
      await a.stop();
      await admin.del(key);
    }
  });

  describe('with a Redis server that goes away', () => {
    let server: ChildProcess | null = null;
    let port = 0;
    const startServer = async (): Promise<void> => {
      port = port || (await freePort());
      server = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: 'ignore' },
      );
      const end = Date.now() + 5000;
      for (;;) {
        const probe = new Redis({
          port,
          host: '127.0.0.1',
          lazyConnect: true,
          retryStrategy: () => null,
        });
        probe.on('error', () => undefined);
        try {
          await probe.connect();
          await probe.ping();
          return;
        } catch (err) {
          if (Date.now() > end) throw err;
          await new Promise((r) => setTimeout(r, 50));
        } finally {
          probe.disconnect();
        }
      }
    };
    afterAll(() => {
      server?.kill('SIGKILL');
    });

    it('leads on while renewals fail, and stands down before its key can have expired', async () => {
      await startServer();
      const events: { what: string; at: number }[] = [];
      const lock = new RedisLeaderLock({
        url: `redis://127.0.0.1:${port}`,
        ttlMs: 1500,
        onLost: (r) => events.push({ what: `lost: ${r}`, at: Date.now() }),
      });
      try {
        expect(await lock.start()).toBe(true);
        await new Promise((r) => setTimeout(r, 600));
        const killedAt = Date.now();
        server!.kill('SIGKILL');
        await new Promise((r) => server!.once('exit', r));
        server = null;
        // Still the leader at first (the key, were the server alive, has not expired) ...
        await new Promise((r) => setTimeout(r, 200));
        expect(lock.isLeader).toBe(true);
        // ... then it stands down, within one TTL of its last renewal.
        await until(() => events.length > 0, 5000);
        expect(lock.isLeader).toBe(false);
        expect(events[0].what).toMatch(/not renewed within its 1500 ms TTL/);
        expect(events[0].at - killedAt).toBeLessThan(1500);
      } finally {
        await lock.stop();
      }
    });
  });
});
