import { ConfigError, loadConfig } from '../config/config.loader';
import { redisDenials, shownRedisUrl } from './redis';

describe('scaleout configuration', () => {
  it('defaults to the single-process mode with the local Redis and one default location', () => {
    const c = loadConfig({ env: {} });
    expect(c.scaleout).toMatchObject({
      mode: 'single',
      redisUrl: 'redis://127.0.0.1:6379',
      prefix: 'netwatch',
      defaultLocations: ['default'],
    });
  });

  it('takes the NETWATCH_* overrides', () => {
    const c = loadConfig({
      env: {
        NETWATCH_SCALEOUT_MODE: 'queue',
        NETWATCH_REDIS_URL: 'rediss://:pw@queue.example:6380/2',
        NETWATCH_LOCATIONS: 'hanoi-vnpt, hcm-viettel',
        NETWATCH_QUEUE_LOCK_MS: '5000',
      },
    });
    expect(c.scaleout).toMatchObject({
      mode: 'queue',
      redisUrl: 'rediss://:pw@queue.example:6380/2',
      defaultLocations: ['hanoi-vnpt', 'hcm-viettel'],
      lockMs: 5000,
    });
  });

  it.each([
    [
      'NETWATCH_SCALEOUT_MODE',
      'cluster',
      /scaleout\.mode \(NETWATCH_SCALEOUT_MODE\): must be one of single, queue/,
    ],
    [
      'NETWATCH_REDIS_URL',
      'http://x',
      /scaleout\.redisUrl \(NETWATCH_REDIS_URL\): must be a redis:\/\//,
    ],
    ['NETWATCH_QUEUE_PREFIX', 'a:b', /scaleout\.prefix \(NETWATCH_QUEUE_PREFIX\)/],
    [
      'NETWATCH_LOCATIONS',
      'Ha Noi',
      /scaleout\.defaultLocations \(NETWATCH_LOCATIONS\): "Ha Noi" is not a location/,
    ],
    ['NETWATCH_QUEUE_LOCK_MS', '10', /scaleout\.lockMs/],
  ])('refuses %s=%s naming the key', (name, value, message) => {
    expect(() => loadConfig({ env: { [name]: value } })).toThrow(ConfigError);
    expect(() => loadConfig({ env: { [name]: value } })).toThrow(message);
  });

  it('keeps probes off the queue server and hides its password in logs', () => {
    expect(redisDenials('redis://127.0.0.1:6390')).toEqual([
      { cidr: '127.0.0.1/32', port: 6390 },
      { cidr: '127.0.0.0/8', port: 6390 },
      { cidr: '::1/128', port: 6390 },
    ]);
    expect(redisDenials('redis://[2001:db8::5]')).toEqual([
      { cidr: '2001:db8::5/128', port: 6379 },
    ]);
    expect(shownRedisUrl('redis://user:secret@q:6379/0')).toBe('redis://user:***@q:6379/0');
  });
});
