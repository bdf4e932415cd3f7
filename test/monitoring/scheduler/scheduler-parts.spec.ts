import { Client } from 'pg';
import {
  nextCronRun,
  nextDue,
  resumeDue,
  spreadFraction,
} from '../../../src/monitoring/scheduler/due';
import { LeaderLock } from '../../../src/monitoring/scheduler/leader-lock';
import { ConcurrencyLimiter } from '../../../src/monitoring/scheduler/limiter';
import { createTestDatabase } from '../../support/database';

const until = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('scheduler: single leader through a PostgreSQL advisory lock', () => {
  let db: { url: string; drop(): Promise<void> };
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db.drop());

  it('lets one instance lead, and another take over when the leader session dies', async () => {
    const lost: string[] = [];
    // A polls slowly, as a crashed process would never come back: the session drop itself must
    // tell A (connection events), and B, polling, must take over. With equal polling either may
    // win the free lock, which is fine in production but not what this test is about.
    const a = new LeaderLock({
      url: db.url,
      key: 4242,
      pollMs: 10_000,
      onLost: (r) => lost.push(r),
    });
    const b = new LeaderLock({ url: db.url, key: 4242, pollMs: 50 });
    try {
      expect(await a.start()).toBe(true);
      expect(await b.start()).toBe(false);
      await new Promise((r) => setTimeout(r, 200));
      expect(b.isLeader).toBe(false);
      // Kill the leader's session, as a crash or a network cut would.
      const admin = new Client({ connectionString: db.url });
      await admin.connect();
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'netwatch-scheduler-lock' AND datname = current_database() AND pid IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242 AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))`,
      );
      await admin.end();
      await until(() => b.isLeader);
      await until(() => lost.length > 0);
      expect(a.isLeader).toBe(false);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('hands over at once when the leader stops cleanly', async () => {
    const a = new LeaderLock({ url: db.url, key: 4343, pollMs: 50 });
    const b = new LeaderLock({ url: db.url, key: 4343, pollMs: 50 });
    try {
      expect(await a.start()).toBe(true);
      expect(await b.start()).toBe(false);
      await a.stop();
      await until(() => b.isLeader);
    } finally {
      await b.stop();
    }
  });
});

describe('scheduler: due times', () => {
  const t0 = new Date('2026-11-28T10:00:00Z');

  it('spreads checks with a stable per-check jitter within ±5% of the interval', () => {
    const dues = Array.from(
      { length: 200 },
      (_, i) => nextDue({ intervalSeconds: 300 }, `check-${i}`, t0).getTime() - t0.getTime(),
    );
    expect(Math.min(...dues)).toBeGreaterThanOrEqual(285_000);
    expect(Math.max(...dues)).toBeLessThanOrEqual(315_000);
    expect(new Set(dues).size).toBeGreaterThan(150);
    expect(nextDue({ intervalSeconds: 300 }, 'check-7', t0)).toEqual(
      nextDue({ intervalSeconds: 300 }, 'check-7', t0),
    );
  });

  it('after a restart spreads overdue checks over one interval and keeps future due times', () => {
    const now = new Date('2026-11-28T12:00:00Z');
    const overdue = Array.from(
      { length: 100 },
      (_, i) => resumeDue({ intervalSeconds: 60 }, `c${i}`, t0, now).getTime() - now.getTime(),
    );
    expect(Math.min(...overdue)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...overdue)).toBeLessThan(60_000);
    expect(overdue.filter((d) => d < 6_000).length).toBeLessThan(30); // no burst at restart
    const future = new Date('2026-11-28T12:00:30Z');
    expect(resumeDue({ intervalSeconds: 60 }, 'c1', future, now)).toEqual(future);
    expect(spreadFraction('c1')).toBeGreaterThanOrEqual(0);
  });

  it('computes cron occurrences from any instant, with a time zone', () => {
    // 01:00 on the 1st of the month in Hà Nội time is 18:00 UTC the day before.
    expect(nextCronRun('0 1 1 * *', t0, 'Asia/Ho_Chi_Minh').toISOString()).toBe(
      '2026-11-30T18:00:00.000Z',
    );
    expect(nextCronRun('*/15 * * * *', new Date('2031-06-01T10:07:00Z')).toISOString()).toBe(
      '2031-06-01T10:15:00.000Z',
    );
    expect(nextCronRun('30 */2 * * * *', new Date('2026-11-28T10:00:40Z')).toISOString()).toBe(
      '2026-11-28T10:02:30.000Z',
    );
    expect(() => nextDue({ cron: 'not a cron' }, 'x', t0)).toThrow();
  });
});

describe('scheduler: concurrency limits', () => {
  it('never exceeds the global or the per-host limit, and lets other hosts pass a busy one', async () => {
    const limiter = new ConcurrencyLimiter(4, 2);
    const live = new Map<string, number>();
    let maxGlobal = 0;
    const maxPerHost = new Map<string, number>();
    const order: string[] = [];
    const job = async (host: string, ms: number) => {
      const release = await limiter.acquire(host);
      order.push(host);
      live.set(host, (live.get(host) ?? 0) + 1);
      maxGlobal = Math.max(
        maxGlobal,
        [...live.values()].reduce((a, b) => a + b, 0),
      );
      maxPerHost.set(host, Math.max(maxPerHost.get(host) ?? 0, live.get(host) ?? 0));
      await new Promise((r) => setTimeout(r, ms));
      live.set(host, (live.get(host) ?? 1) - 1);
      release();
    };
    await Promise.all([
      ...Array.from({ length: 6 }, () => job('slow.gov.test', 50)),
      job('fast.gov.test', 5),
      job('other.gov.test', 5),
    ]);
    expect(maxGlobal).toBeLessThanOrEqual(4);
    expect(maxPerHost.get('slow.gov.test')).toBe(2);
    // The other hosts started before the slow host's later jobs, not after them.
    expect(order.indexOf('fast.gov.test')).toBeLessThan(3);
    expect(limiter.active).toBe(0);
    expect(limiter.queued).toBe(0);
  });
});
