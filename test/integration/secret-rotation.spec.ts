import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { SecretBox } from '../../src/common/secret-box';
import { freshDatabase, startProcess } from '../notifications/support';
import { netwatch } from '../support/cli';

/** Rotating the key that seals stored secrets, as the README tells an operator to. */
describe('netwatch secrets rotate', () => {
  const oldKey = randomBytes(32).toString('base64');
  const newKey = randomBytes(32).toString('base64');
  let db: { url: string; drop(): Promise<void> };

  beforeAll(async () => {
    db = await freshDatabase();
    const p = await startProcess(db.url, { NETWATCH_SECRET_KEY: oldKey });
    try {
      const unit = await request(p.http)
        .post('/api/units')
        .send({ code: 'ROT', kind: 'department', name: 'Xoay khoá' })
        .expect(201);
      await request(p.http)
        .post('/api/devices')
        .send({
          name: 'rot-sw1',
          role: 'switch',
          unitId: unit.body.id,
          snmp: { version: 'v2c', community: 'old-community-string' },
        })
        .expect(201);
      await request(p.http)
        .post('/api/notification-channels')
        .send({
          name: 'rot-hook',
          kind: 'webhook',
          config: { url: 'http://127.0.0.1:9/hook' },
          secret: { hmacKey: 'rotation-hmac-key-1234' },
        })
        .expect(201);
    } finally {
      await p.stop();
    }
  }, 60_000);

  afterAll(async () => {
    await db?.drop();
  });

  const envelopes = async () => {
    const p = await startProcess(db.url, { NETWATCH_SECRET_KEY: newKey });
    try {
      const rows: { e: string }[] = await p.ds.query(
        `SELECT snmp_secret AS e FROM devices WHERE snmp_secret IS NOT NULL
         UNION ALL SELECT secret FROM notification_channels WHERE secret IS NOT NULL`,
      );
      return rows.map((r) => r.e);
    } finally {
      await p.stop();
    }
  };

  it('refuses, changing nothing, when a secret opens with no configured key', async () => {
    const before = await envelopes();
    const run = await netwatch(['secrets', 'rotate'], {
      DATABASE_URL: db.url,
      NETWATCH_SECRET_KEY: newKey,
      NETWATCH_LOG_LEVEL: 'error',
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/(device|notification channel) .*opens with no configured key/);
    expect(await envelopes()).toEqual(before);
  }, 60_000);

  it('seals every secret with the new key, once', async () => {
    const env = {
      DATABASE_URL: db.url,
      NETWATCH_SECRET_KEY: newKey,
      NETWATCH_SECRET_PREVIOUS_KEYS: oldKey,
      NETWATCH_LOG_LEVEL: 'error',
    };
    const first = await netwatch(['secrets', 'rotate'], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('devices: 1 secret(s) sealed with the current key');
    expect(first.stdout).toContain(
      'notification_channels: 1 secret(s) sealed with the current key',
    );
    const again = await netwatch(['secrets', 'rotate'], env);
    expect(again.stdout).toContain('2 already sealed with the current key');

    // The new key alone now opens everything, and the old one nothing.
    const newBox = new SecretBox(Buffer.from(newKey, 'base64'));
    const oldBox = new SecretBox(Buffer.from(oldKey, 'base64'));
    const sealed = await envelopes();
    expect(sealed.map((e) => newBox.open(e)).join(' ')).toContain('old-community-string');
    for (const e of sealed) expect(() => oldBox.open(e)).toThrow(/unknown key/);
  }, 60_000);
});
