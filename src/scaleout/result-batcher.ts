/**
 * Collects a worker's results and sends them in batches: when `batchSize` are waiting or
 * `batchMs` after the first one. `push` resolves once the batch holding that result has been
 * sent (stored in Redis), so a probe job completes only after its result is safe. A failed send
 * is retried (same batch, same id) until it gets through or the batcher is closed.
 */
export class ResultBatcher<T> {
  private items: { item: T; sent: () => void; failed: (err: Error) => void }[] = [];
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private seq = 0;
  private closed = false;

  constructor(
    private readonly send: (items: T[], batchId: string) => Promise<void>,
    private readonly options: {
      batchMs: number;
      batchSize: number;
      /** Unique per process: batch ids are `<name>-<n>`. */
      name: string;
      onRetry?: (err: Error, attempt: number) => void;
    },
  ) {}

  /** Results waiting to be sent. */
  get waiting(): number {
    return this.items.length;
  }

  push(item: T): Promise<void> {
    if (this.closed) return Promise.reject(new Error('result batcher closed'));
    return new Promise<void>((sent, failed) => {
      this.items.push({ item, sent, failed });
      if (this.items.length >= this.options.batchSize) this.cut();
      else this.timer ??= setTimeout(() => this.cut(), this.options.batchMs);
    });
  }

  /** Sends what is waiting and resolves when every batch so far is sent. */
  flush(): Promise<void> {
    this.cut();
    return this.chain;
  }

  /** Flushes, then refuses further results (a send still failing then gives up). */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private cut(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.items.length) return;
    const batch = this.items;
    this.items = [];
    const id = `${this.options.name}-${++this.seq}`;
    this.chain = this.chain.then(async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          await this.send(
            batch.map((b) => b.item),
            id,
          );
          for (const b of batch) b.sent();
          return;
        } catch (err) {
          if (this.closed) {
            for (const b of batch) b.failed(err as Error);
            return;
          }
          this.options.onRetry?.(err as Error, attempt);
          await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** Math.min(attempt, 5))));
        }
      }
    });
  }
}
