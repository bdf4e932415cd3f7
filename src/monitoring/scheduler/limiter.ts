/**
 * Global and per-target-host concurrency limits: a check starts only when both a global slot
 * and a slot for its host are free, so one slow agency server cannot take every slot, and no
 * host receives more than `perHost` probes at once.
 */
export class ConcurrencyLimiter {
  private running = 0;
  private readonly perHostRunning = new Map<string, number>();
  private readonly waiting: { host: string; start: () => void }[] = [];

  constructor(
    private readonly global: number,
    private readonly perHost: number,
  ) {
    if (global < 1 || perHost < 1) throw new Error('concurrency limits must be ≥ 1');
  }

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Waits for a slot; call the returned function exactly once when done. */
  acquire(host: string): Promise<() => void> {
    return new Promise((resolve) => {
      this.waiting.push({ host, start: () => resolve(this.releaser(host)) });
      this.pump();
    });
  }

  private releaser(host: string): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running--;
      const n = (this.perHostRunning.get(host) ?? 1) - 1;
      if (n) this.perHostRunning.set(host, n);
      else this.perHostRunning.delete(host);
      this.pump();
    };
  }

  /** Starts waiting work in arrival order, skipping (not blocking on) hosts at their limit. */
  private pump(): void {
    for (let i = 0; i < this.waiting.length && this.running < this.global;) {
      const w = this.waiting[i];
      const busy = this.perHostRunning.get(w.host) ?? 0;
      if (busy >= this.perHost) {
        i++;
        continue;
      }
      this.waiting.splice(i, 1);
      this.running++;
      this.perHostRunning.set(w.host, busy + 1);
      w.start();
    }
  }
}
