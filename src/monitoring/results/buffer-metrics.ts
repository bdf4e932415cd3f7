import { Counter, Gauge, Registry } from 'prom-client';
import type { ResultWriterStats } from './result-writer';

const DROPPED = 'netwatch_results_dropped_total';
const BUFFERED = 'netwatch_results_buffered';

type Source = { stats: (() => ResultWriterStats) | null };
const sources = new WeakMap<Registry, Source>();

/**
 * The result buffer's metrics on the engine's registry: results dropped at the buffer's bound,
 * and results waiting (memory and spool). Get-or-create, as tests build several engines on one
 * registry; the newest engine's writer is the one reported (one per process in production).
 */
export function bufferMetrics(registry: Registry): {
  dropped: Counter;
  track(stats: () => ResultWriterStats): void;
} {
  const dropped =
    (registry.getSingleMetric(DROPPED) as Counter | undefined) ??
    new Counter({
      name: DROPPED,
      help: 'Check results dropped because the result buffer (memory and spool) was full',
      registers: [registry],
    });
  let source = sources.get(registry);
  if (!source) {
    const s: Source = { stats: null };
    source = s;
    sources.set(registry, s);
    new Gauge({
      name: BUFFERED,
      help: 'Check results waiting to be written, in memory and on disk (spool)',
      labelNames: ['where'] as const,
      registers: [registry],
      collect() {
        const now = s.stats?.();
        this.set({ where: 'memory' }, now?.queued ?? 0);
        this.set({ where: 'disk' }, now?.spooled ?? 0);
      },
    });
  }
  const target = source;
  return {
    dropped,
    track: (stats) => {
      target.stats = stats;
    },
  };
}
