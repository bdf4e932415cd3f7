import { isIP } from 'node:net';
import type { ConnectionOptions } from 'bullmq';

/**
 * BullMQ connection options for a redis:// URL. `maxRetriesPerRequest: null` (BullMQ requires
 * it for workers; used everywhere here) makes a command wait through a Redis restart instead of
 * failing after 20 reconnection attempts: the scheduler bounds its own waits with the run's
 * timeout, and a worker's result batch must get through in the end.
 */
export function redisConnection(url: string): ConnectionOptions {
  return { url, maxRetriesPerRequest: null, enableOfflineQueue: true };
}

/** The URL with its password hidden, for logs. */
export function shownRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}

/**
 * The Redis server's port on its own address (and on every loopback address when it runs on
 * this machine): probes never reach the queue they are dispatched through, whatever a check
 * names. The same rule the engine applies to its database (monitoring.providers.ts).
 */
export function redisDenials(url: string): { cidr: string; port: number }[] {
  let host: string;
  let port: number;
  try {
    const u = new URL(url);
    host = u.hostname.replace(/^\[|\]$/g, '');
    port = u.port ? Number(u.port) : 6379;
  } catch {
    return [];
  }
  const literal = isIP(host);
  const local = host === 'localhost' || host.startsWith('127.') || host === '::1';
  const out: { cidr: string; port: number }[] = [];
  if (literal) out.push({ cidr: literal === 6 ? `${host}/128` : `${host}/32`, port });
  if (local) out.push({ cidr: '127.0.0.0/8', port }, { cidr: '::1/128', port });
  return out;
}
