/**
 * SNMP credentials in queue mode: the job carries the device's secret sealed exactly as stored;
 * each worker opens it with its own configured key. The queue (Redis) never holds the plaintext.
 * In-process executor and workers on the machine's Redis (own prefix), no database.
 */
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import IORedis from 'ioredis';
import { ProbeScope } from '../../probes/scope';
import { SecretBox } from '../../src/common/secret-box';
import type { StoredCheck } from '../../src/monitoring/engine';
import { CheckRunner } from '../../src/monitoring/runner/check-runner';
import { probeJobId } from '../../src/scaleout/identity';
import { JobSnmpSecrets, ProbeWorker } from '../../src/scaleout/probe-worker';
import { QueueExecutor } from '../../src/scaleout/queue-executor';
import { redisConnection } from '../../src/scaleout/redis';
import { dropPrefix, SHARED_REDIS, uniquePrefix, waitFor } from './support';

jest.setTimeout(120_000);

const COMMUNITY = `community-${randomBytes(6).toString('hex')}`;

describe('scale-out: SNMP secrets travel sealed', () => {
  const prefix = uniquePrefix();
  const key = new SecretBox(randomBytes(32));
  const otherKey = new SecretBox(randomBytes(32));
  const sealed = key.seal(JSON.stringify({ community: COMMUNITY }));
  const connection = redisConnection(SHARED_REDIS);
  let executor: QueueExecutor;
  const workers: ProbeWorker[] = [];
  // A UDP port where no agent answers: the run with readable credentials times out (down).
  const silent = createSocket('udp4');

  const worker = (location: string, box: SecretBox) => {
    const secrets = new JobSnmpSecrets(box);
    return new ProbeWorker({
      location,
      concurrency: 2,
      connection,
      prefix,
      lockMs: 5000,
      stalledMs: 2000,
      batchMs: 50,
      batchSize: 10,
      secrets,
      name: `test-${location}`,
      runner: new CheckRunner({
        resolver: { address: '127.0.0.1', port: 53 },
        anchors: [],
        scope: ProbeScope.parse('127.0.0.0/8,::1/128'),
        ipv6Anchor: { kind: 'tcp', address: '::1', port: 9 },
        secrets,
      }),
    });
  };

  beforeAll(async () => {
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', r));
    executor = new QueueExecutor({
      connection,
      prefix,
      defaultLocations: ['right'],
      resultGraceMs: 20_000,
      loadSnmp: async () => ({
        snmpVersion: 'v2c',
        snmpUsername: null,
        snmpAuthProtocol: null,
        snmpPrivProtocol: null,
        snmpSecret: sealed,
      }),
    });
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await executor?.close();
    silent.close();
    await dropPrefix(SHARED_REDIS, prefix);
  });

  it('puts the sealed secret in the job; a worker with the key uses it, one without reports not_tested', async () => {
    const slot = new Date(Math.floor(Date.now() / 1000) * 1000);
    const check: StoredCheck = {
      id: '6f1c1f52-2a37-4b6e-9d0c-5b1f4f1e9a01',
      key: 'device:x:snmp',
      objectType: 'device',
      objectId: 'dev-1',
      unitId: null,
      kind: 'snmp',
      family: 4,
      target: { deviceId: 'dev-1', address: '127.0.0.1' },
      settings: {
        port: (silent.address() as { port: number }).port,
        requestTimeoutMs: 300,
        retries: 0,
        locations: ['right', 'wrong'],
      },
      intervalSeconds: 300,
      timeoutMs: 5000,
      thresholds: { failure: 3, success: 2 },
      enabled: true,
      nextDueAt: slot,
    };
    const running = executor.run(check);
    const redis = new IORedis(SHARED_REDIS);
    try {
      const data = await waitFor('the queued job', () =>
        redis.hget(`${prefix}:probe-right:${probeJobId(check.id, slot, 'right')}`, 'data'),
      );
      expect(data).toContain(sealed);
      expect(data).not.toContain(COMMUNITY);
    } finally {
      redis.disconnect();
    }
    workers.push(worker('right', key), worker('wrong', otherKey));
    await Promise.all(workers.map((w) => w.start()));
    const result = await running;
    const locations = (
      result.observations as {
        locations: { location: string; status: string; reasons: { code: string }[] }[];
      }
    ).locations;
    const right = locations.find((l) => l.location === 'right')!;
    const wrong = locations.find((l) => l.location === 'wrong')!;
    expect(right.status).toBe('down'); // credentials opened; the agent is silent
    expect(right.reasons.map((r) => r.code)).not.toContain('snmp_credentials_unreadable');
    expect(wrong.status).toBe('not_tested');
    expect(wrong.reasons.map((r) => r.code)).toContain('snmp_credentials_unreadable');
    expect(JSON.stringify(result)).not.toContain(COMMUNITY);
  });
});
