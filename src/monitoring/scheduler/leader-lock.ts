import { Client } from 'pg';
import { isServerDown } from './db-errors';

/** The advisory lock key every NetWatch scheduler competes for ("nwsc"). */
export const SCHEDULER_LOCK_KEY = 0x6e777363;

export interface LeaderLockOptions {
  /** Connection string of the database the schedulers share. */
  url: string;
  key?: number;
  /** How often a waiting instance tries again, and the holder checks its session. */
  pollMs?: number;
  onAcquired?: () => void;
  /** The holder's session died (server restart, terminated backend): stop scheduling at once. */
  onLost?: (reason: string) => void;
  /**
   * How long the holder keeps leading after its session died because the database server itself
   * is down (a reconnect is refused, or 57P03 starting/shutting down): while the server is down
   * nobody can hold the lock. On reconnect it takes the lock again or, if another instance was
   * faster, stands down. Any other loss (timeout, unreachable host: maybe a network cut others
   * do not have; or a server that is up) stands down at once. 0 (default): stand down at once.
   */
  graceMs?: number;
  /** How often the holder tries to reconnect during a grace. Default 500 ms. */
  gracePollMs?: number;
  /** Told when a grace period starts and when the lock is taken again after one. */
  onNotice?: (message: string) => void;
}

/**
 * Exactly one scheduler at a time: a session-level PostgreSQL advisory lock held on a dedicated
 * connection. The lock dies with the session, so when the holder's process or connection dies
 * the next instance's poll takes over; the holder itself notices a lost session and stops.
 */
export class LeaderLock {
  private client: Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private held = false;
  private stopped = false;
  private attempting = false;
  /** Since when the holder leads without a session (grace), or null. */
  private graceSince: number | null = null;

  constructor(private readonly options: LeaderLockOptions) {}

  get isLeader(): boolean {
    return this.held;
  }

  /** Starts competing; resolves after the first attempt (leader or not). */
  async start(): Promise<boolean> {
    this.stopped = false;
    await this.attempt();
    this.schedule();
    return this.held;
  }

  /** Releases the lock (if held) and stops competing. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const client = this.client;
    this.client = null;
    this.held = false;
    this.graceSince = null;
    if (client) await client.end().catch(() => undefined);
  }

  private schedule(): void {
    if (this.stopped) return;
    const poll = this.options.pollMs ?? 5000;
    // In grace, come back quickly: the first to reconnect after the restart gets the lock.
    const ms = this.graceSince !== null ? (this.options.gracePollMs ?? 500) : poll;
    this.timer = setTimeout(() => {
      void this.attempt().finally(() => this.schedule());
    }, ms);
    this.timer.unref();
  }

  /** The session of `client` (default: the current one) is gone. */
  private lose(reason: string, client?: Client): void {
    if (client && client !== this.client) return; // an old connection's late event
    // A broken connection is dropped even when we were only waiting, so the next poll reconnects.
    this.client = null;
    if (!this.held || this.graceSince !== null) return;
    if ((this.options.graceMs ?? 0) > 0) {
      // Decide at once whether the server is down (grace) or up (the lock may be taken).
      this.graceSince = Date.now();
      this.graceReason = reason;
      void this.attempt();
      return;
    }
    this.release(reason);
  }

  private graceReason = '';

  private release(reason: string): void {
    this.graceSince = null;
    this.noticed = false;
    if (!this.held) return;
    this.held = false;
    this.options.onLost?.(reason);
  }

  /** Every database call of the lock is bounded: a silent connection must never stop the polling. */
  private bounded<T>(work: Promise<T>): Promise<T> {
    const ms = Math.max(1000, (this.options.pollMs ?? 5000) * 4);
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]).finally(() => clearTimeout(timer));
  }

  private async attempt(): Promise<void> {
    if (this.stopped || this.attempting) return;
    this.attempting = true;
    try {
      await this.attemptOnce();
    } finally {
      this.attempting = false;
    }
  }

  private async attemptOnce(): Promise<void> {
    const key = this.options.key ?? SCHEDULER_LOCK_KEY;
    const inGrace = this.graceSince !== null;
    try {
      if (this.held && this.client && !inGrace) {
        // Still our session? A terminated backend shows up here (or as an 'error' event).
        await this.bounded(this.client.query('SELECT 1'));
        return;
      }
      if (!this.client) {
        const client = new Client({
          connectionString: this.options.url,
          application_name: 'netwatch-scheduler-lock',
        });
        client.on('error', (err) => this.lose(`lock session lost: ${err.message}`, client));
        client.on('end', () => this.lose('lock session ended', client));
        this.client = client;
        await this.bounded(client.connect());
      }
      const { rows } = await this.bounded(
        this.client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [key]),
      );
      if (inGrace) {
        if (rows[0]?.ok) {
          this.graceSince = null;
          this.noticed = false;
          this.options.onNotice?.(
            `scheduler lock taken again after ${this.graceReason}; this instance still leads`,
          );
        } else {
          const client = this.client;
          this.client = null;
          await client?.end().catch(() => undefined);
          this.release('another instance took the lock while the database was away');
        }
        return;
      }
      if (rows[0]?.ok && !this.stopped) {
        this.held = true;
        this.options.onAcquired?.();
      }
    } catch (err) {
      // Whatever failed, start the next attempt from a fresh connection.
      const client = this.client;
      this.client = null;
      await client?.end().catch(() => undefined);
      const message = (err as Error).message;
      if (inGrace) {
        const graceMs = this.options.graceMs ?? 0;
        const since = this.graceSince ?? Date.now();
        if (!isServerDown(err))
          this.release(`lock session lost (${this.graceReason}) and ${message}`);
        else if (Date.now() - since >= graceMs)
          this.release(`database down for longer than the ${graceMs} ms grace`);
        else if (!this.noticed) {
          this.noticed = true;
          this.options.onNotice?.(
            `scheduler lock session lost (${this.graceReason}); the database is down (${message}), ` +
              `so nobody can hold the lock: leading on for up to ${graceMs} ms`,
          );
        }
        return;
      }
      if (this.held) this.lose(`lock session lost: ${message}`);
    }
  }

  private noticed = false;
}
