import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';

export interface RedisLeaderLockOptions {
  /** redis:// URL of the server the schedulers share. */
  url: string;
  /** Key of the lock. Default `netwatch:scheduler:leader`. */
  key?: string;
  /** Lifetime of the key; the holder renews it every `ttlMs / 3`. Default 15000. */
  ttlMs?: number;
  /** How often a waiting instance tries again. Default `ttlMs / 3`. */
  pollMs?: number;
  onAcquired?: () => void;
  /** Lost: someone else holds the key, or it could not be renewed in time. */
  onLost?: (reason: string) => void;
  onNotice?: (message: string) => void;
}

// Renew or release only while the key still holds our token: never extend or delete another
// instance's lock after ours expired.
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Exactly one scheduler at a time through a Redis key (queue mode: Redis is there already, and
 * leadership must not depend on PostgreSQL, so that a database outage does not stop probing).
 * `SET key token NX PX ttl` takes it; the holder renews it with a compare-and-pexpire every
 * ttl/3 and releases it with a compare-and-delete. When renewals fail (Redis unreachable) the
 * holder stands down before the key can have expired on the server — counted from the moment
 * the last successful renewal was sent, less a tenth of the TTL for clock drift — so two
 * instances never lead at once as long as the clocks' rates agree within that margin.
 */
export class RedisLeaderLock {
  private readonly redis: Redis;
  private readonly token = randomUUID();
  private readonly key: string;
  private readonly ttlMs: number;
  private readonly pollMs: number;
  private timer: NodeJS.Timeout | null = null;
  private held = false;
  private stopped = false;
  /** When the last successful SET/renewal was sent: the key lives at least until then + ttl. */
  private validFrom = 0;
  private failing = false;

  constructor(private readonly options: RedisLeaderLockOptions) {
    this.key = options.key ?? 'netwatch:scheduler:leader';
    this.ttlMs = options.ttlMs ?? 15_000;
    this.pollMs = options.pollMs ?? Math.max(100, Math.floor(this.ttlMs / 3));
    this.redis = new Redis(options.url, {
      lazyConnect: true,
      // Fail at once while disconnected: a renewal that waits in a queue is no renewal.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: Math.max(100, Math.floor(this.ttlMs / 5)),
      retryStrategy: () => Math.min(1000, Math.floor(this.ttlMs / 5)),
    });
    this.redis.on('error', () => undefined); // reconnects by itself; failures show in commands
  }

  get isLeader(): boolean {
    return this.held;
  }

  /** Starts competing; resolves after the first attempt (leader or not). */
  async start(): Promise<boolean> {
    this.stopped = false;
    await this.redis.connect().catch(() => undefined);
    await this.attempt();
    this.schedule();
    return this.held;
  }

  /** Releases the key (if ours) and stops competing. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.held) await this.redis.eval(RELEASE, 1, this.key, this.token).catch(() => undefined);
    this.held = false;
    this.redis.disconnect();
  }

  private schedule(): void {
    if (this.stopped) return;
    const ms = this.held ? Math.max(50, Math.floor(this.ttlMs / 3)) : this.pollMs;
    this.timer = setTimeout(() => {
      void this.attempt().finally(() => this.schedule());
    }, ms);
    this.timer.unref();
  }

  private lose(reason: string): void {
    if (!this.held) return;
    this.held = false;
    this.failing = false;
    this.options.onLost?.(reason);
  }

  private async attempt(): Promise<void> {
    if (this.stopped) return;
    const sent = Date.now();
    try {
      if (this.held) {
        const ok = await this.redis.eval(RENEW, 1, this.key, this.token, String(this.ttlMs));
        if (Number(ok) !== 1) return this.lose('the lock key expired or another instance holds it');
        this.validFrom = sent;
        if (this.failing) this.options.onNotice?.('scheduler lock renewed again');
        this.failing = false;
        return;
      }
      const res = await this.redis.set(this.key, this.token, 'PX', this.ttlMs, 'NX');
      if (res === 'OK' && !this.stopped) {
        this.held = true;
        this.validFrom = sent;
        this.options.onAcquired?.();
      }
    } catch (err) {
      if (!this.held) return;
      const message = (err as Error).message;
      // Stand down before the key can have expired on the server (a tenth of the TTL for drift).
      if (Date.now() >= this.validFrom + this.ttlMs - this.ttlMs / 10 - this.ttlMs / 3)
        return this.lose(`lock not renewed within its ${this.ttlMs} ms TTL: ${message}`);
      if (!this.failing)
        this.options.onNotice?.(`scheduler lock renewal failed (${message}); retrying`);
      this.failing = true;
    }
  }
}
