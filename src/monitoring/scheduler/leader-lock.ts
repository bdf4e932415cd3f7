import { Client } from 'pg';

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
    if (client) await client.end().catch(() => undefined);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.attempt().finally(() => this.schedule());
    }, this.options.pollMs ?? 5000);
    this.timer.unref();
  }

  /** The session of `client` (default: the current one) is gone. */
  private lose(reason: string, client?: Client): void {
    if (client && client !== this.client) return; // an old connection's late event
    // A broken connection is dropped even when we were only waiting, so the next poll reconnects.
    this.client = null;
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
    if (this.stopped) return;
    const key = this.options.key ?? SCHEDULER_LOCK_KEY;
    try {
      if (this.held && this.client) {
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
      if (rows[0]?.ok && !this.stopped) {
        this.held = true;
        this.options.onAcquired?.();
      }
    } catch (err) {
      // Whatever failed, start the next attempt from a fresh connection.
      const client = this.client;
      this.client = null;
      if (this.held) this.lose(`lock session lost: ${(err as Error).message}`);
      await client?.end().catch(() => undefined);
    }
  }
}
