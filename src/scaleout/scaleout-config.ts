import type { NetwatchConfig } from '../config/config.types';
import { isLocation, LOCATION_PATTERN } from './identity';

export type ScaleoutConfig = NetwatchConfig['scaleout'];

const MODES = ['single', 'queue'] as const;

/** Problems of the `scaleout` section, each naming its key and environment variable. */
export function scaleoutProblems(s: ScaleoutConfig): string[] {
  const out: string[] = [];
  if (!(MODES as readonly string[]).includes(s.mode))
    out.push(
      `scaleout.mode (NETWATCH_SCALEOUT_MODE): must be one of ${MODES.join(', ')}, got ${JSON.stringify(s.mode)}`,
    );
  try {
    const url = new URL(s.redisUrl);
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new Error();
  } catch {
    out.push(
      `scaleout.redisUrl (NETWATCH_REDIS_URL): must be a redis:// or rediss:// URL, got ${JSON.stringify(s.redisUrl)}`,
    );
  }
  if (!/^[A-Za-z0-9_.{}-]{1,64}$/.test(s.prefix))
    out.push(
      `scaleout.prefix (NETWATCH_QUEUE_PREFIX): 1-64 letters, digits, _ . - { } (no colon), got ${JSON.stringify(s.prefix)}`,
    );
  if (!s.defaultLocations?.length)
    out.push('scaleout.defaultLocations (NETWATCH_LOCATIONS): name at least one location');
  for (const l of s.defaultLocations ?? [])
    if (!isLocation(l))
      out.push(
        `scaleout.defaultLocations (NETWATCH_LOCATIONS): ${JSON.stringify(l)} is not a location name (${LOCATION_PATTERN.source})`,
      );
  if (s.lockMs < 1000) out.push('scaleout.lockMs (NETWATCH_QUEUE_LOCK_MS): at least 1000 ms');
  if (s.stalledMs < 500)
    out.push('scaleout.stalledMs (NETWATCH_QUEUE_STALLED_MS): at least 500 ms');
  if (s.batchSize > 10_000)
    out.push('scaleout.batchSize (NETWATCH_RESULT_BATCH_SIZE): at most 10000');
  return out;
}
