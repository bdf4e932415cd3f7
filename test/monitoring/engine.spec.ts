import request from 'supertest';
import { DataSource } from 'typeorm';
import { SecretBox } from '../../src/common/secret-box';
import { IncidentOpener } from '../../src/incidents/incident-opener';
import { loadChecksConfig } from '../../src/monitoring/checks/checks-config';
import { syncChecks } from '../../src/monitoring/checks/sync';
import { MonitoringEngine } from '../../src/monitoring/engine';
import { EngineMetrics } from '../../src/monitoring/metrics';
import { CheckRunner } from '../../src/monitoring/runner/check-runner';
import { deviceSnmpSecrets } from '../../src/monitoring/runner/snmp-credentials';
import { ProbeScope } from '../../probes/scope';
import { startTestApp, TestApp } from '../support/app';
import { RunningServer, start } from '../support/dns/authoritative-server';
import { a, aaaa, page, startHttpPair } from '../probes/ipv6/servers';
import { zone } from '../probes/ipv6/servers';

/**
 * The engine end to end on a real database: inventory → checks → scheduled runs against
 * loopback servers → batched results and rollups → state machines → status API.
 */
describe('monitoring engine', () => {
  let t: TestApp;
  let ds: DataSource;
  let dns: RunningServer;
  let http: Awaited<ReturnType<typeof startHttpPair>>;
  let engine: MonitoringEngine;
  let up = true;

  beforeAll(async () => {
    http = await startHttpPair(
      (_q, res) => (up ? page(res, 200, 'ok') : page(res, 503, 'down')),
      (_q, res) => (up ? page(res, 200, 'ok') : page(res, 503, 'down')),
    );
    dns = await start({
      zones: [zone('eng.test', [a('www.eng.test', '127.0.0.1'), aaaa('www.eng.test', '::1')])],
    });
    t = await startTestApp();
    ds = t.app.get(DataSource);
    const server = t.http;
    const unit = await request(server)
      .post('/api/units')
      .send({ code: 'ENG', kind: 'province', name: 'Tỉnh Thử' })
      .expect(201);
    await request(server)
      .post('/api/services')
      .send({
        kind: 'website',
        hostname: 'www.eng.test',
        name: 'Cổng thử',
        url: `http://www.eng.test:${http.port}/`,
        unitId: unit.body.id,
      })
      .expect(201);
    const runner = new CheckRunner({
      resolver: { address: '127.0.0.1', port: dns.port },
      anchors: [],
      scope: ProbeScope.parse('127.0.0.0/8,::1/128'),
      ipv6Anchor: { kind: 'tcp', address: '::1', port: http.port },
      secrets: deviceSnmpSecrets(async () => null, t.app.get(SecretBox)),
    });
    engine = new MonitoringEngine(ds, {
      databaseUrl: t.databaseUrl,
      checksConfig: loadChecksConfig(),
      executor: runner,
      metrics: t.app.get(EngineMetrics),
      globalConcurrency: 8,
      perHostConcurrency: 4,
      syncSeconds: 3600,
      retention: { rawDays: 30, hourlyDays: 400, dailyYears: 5 },
      autoTick: false,
    });
    t.app.get(IncidentOpener).attach(engine);
    await engine.start();
    await engine.whenLeading();
  }, 60_000);

  afterAll(async () => {
    await engine?.stop();
    await t?.close();
    await dns?.stop();
    await http?.close();
  });

  const httpChecks = async () =>
    (await ds.query(`SELECT id, family FROM checks WHERE kind = 'http' ORDER BY family`)) as {
      id: string;
      family: number;
    }[];
  const runAllNow = async () => {
    await ds.query(
      `UPDATE checks SET next_due_at = now() - interval '1 second' WHERE kind = 'http'`,
    );
    await engine.tick();
    await engine.drain();
  };

  it('derives the website checks from the inventory, http over both families among them', async () => {
    const checks = await httpChecks();
    expect(checks.map((c) => c.family)).toEqual([4, 6]);
  });

  it('runs due checks, writes results and rollups, and moves the state after the success threshold', async () => {
    await runAllNow();
    await runAllNow();
    const [{ count }] = (await ds.query(
      `SELECT count(*)::int AS count FROM check_results r JOIN checks c ON c.id = r.check_id WHERE c.kind = 'http' AND r.status = 'up'`,
    )) as { count: number }[];
    expect(count).toBe(4);
    const [{ total }] = (await ds.query(
      `SELECT sum(total)::int AS total FROM check_rollups_hourly h JOIN checks c ON c.id = h.check_id WHERE c.kind = 'http'`,
    )) as { total: number }[];
    expect(total).toBe(4);
    const states = (await ds.query(
      `SELECT s.state FROM check_states s JOIN checks c ON c.id = s.check_id WHERE c.kind = 'http'`,
    )) as { state: string }[];
    expect(states.map((s) => s.state)).toEqual(['up', 'up']);
  });

  it('does not run a check again before it is due (its next due time was claimed)', async () => {
    const before = (await ds.query(`SELECT count(*)::int AS n FROM check_results`)) as {
      n: number;
    }[];
    await engine.tick();
    await engine.drain();
    const after = (await ds.query(`SELECT count(*)::int AS n FROM check_results`)) as {
      n: number;
    }[];
    expect(after[0].n).toBe(before[0].n);
  });

  it('goes down only after the failure threshold, emitting one alerting transition', async () => {
    const events: { to: string; alert: boolean }[] = [];
    engine.on('transition', (e: { to: string; alert: boolean }) => events.push(e));
    up = false;
    await runAllNow();
    await runAllNow();
    expect(events).toEqual([]); // two failures: below the threshold of 3
    await runAllNow();
    expect(events.filter((e) => e.to === 'down' && e.alert)).toHaveLength(2); // one per family
    up = true;
  });

  it("opens one incident per failing check from the engine's transitions", async () => {
    await t.app.get(IncidentOpener).onModuleDestroy(); // waits for queued events
    const res = await request(t.http).get('/api/incidents?status=open').expect(200);
    const items = res.body.items as { origin: string; category: string; title: string }[];
    expect(items).toHaveLength(2);
    expect(items.every((i) => i.origin === 'probe' && i.category === 'outage')).toBe(true);
  });

  it('answers the status API: summary, checks, one check with uptime, its results and rollup uptime', async () => {
    const server = t.http;
    const summary = await request(server).get('/api/status/summary?unit=ENG').expect(200);
    expect(summary.body.counts.down).toBe(2);
    expect(summary.body.worst).toBe('down');
    const list = await request(server).get('/api/status/checks?kind=http&state=down').expect(200);
    expect(list.body.total).toBe(2);
    const id = list.body.items[0].id as string;
    const one = await request(server).get(`/api/status/checks/${id}`).expect(200);
    expect(one.body.uptime['24h'].uptimePercent).toBeCloseTo(40, 0); // 2 up of 5 judged
    const results = await request(server)
      .get(`/api/status/checks/${id}/results?range=24h`)
      .expect(200);
    expect(results.body.items).toHaveLength(5);
    const uptime = await request(server)
      .get(`/api/status/checks/${id}/uptime?range=7d`)
      .expect(200);
    expect(uptime.body.uptime.total).toBe(5);
    await request(server).get('/api/status/checks/not-a-uuid').expect(404);
    const metrics = await request(server).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/netwatch_checks_run_total\{kind="http",status="down"\} 6/);
  });

  it('runs a custom check with a cron schedule at its fixed times', async () => {
    const [{ id }] = (await ds.query(
      `INSERT INTO checks (key, kind, family, target, settings, interval_seconds, timeout_ms, origin, cron, cron_timezone, next_due_at)
       VALUES ('custom:cron-tcp', 'tcp', 4, $1, $2, 600, 2000, 'custom', '*/10 * * * *', 'Asia/Ho_Chi_Minh', now() - interval '1 second')
       RETURNING id`,
      [JSON.stringify({ address: '127.0.0.1' }), JSON.stringify({ port: http.port })],
    )) as { id: string }[];
    await engine.tick();
    await engine.drain();
    const [row] = (await ds.query(`SELECT next_due_at FROM checks WHERE id = $1`, [id])) as {
      next_due_at: Date;
    }[];
    const due = new Date(row.next_due_at);
    expect(due.getTime()).toBeGreaterThan(Date.now());
    expect(due.getUTCMinutes() % 10).toBe(0);
    expect(due.getUTCSeconds()).toBe(0);
    const [{ n }] = (await ds.query(
      `SELECT count(*)::int AS n FROM check_results WHERE check_id = $1 AND status = 'up'`,
      [id],
    )) as { n: number }[];
    expect(n).toBe(1);
  });

  it('lists IPv6 and DNSSEC state per service', async () => {
    const res = await request(t.http).get('/api/status/services?unit=ENG').expect(200);
    expect(res.body.total).toBe(1);
    expect(res.body.items[0].hostname).toBe('www.eng.test');
    expect(res.body.items[0].ipv6.web).toEqual({ state: 'unknown', reasons: [] });
    expect(res.body.items[0].dnssec).toEqual({ state: 'unknown', reasons: [] });
  });

  it('manages maintenance windows and refuses invalid ones naming the field', async () => {
    const server = t.http;
    const created = await request(server)
      .post('/api/maintenance-windows')
      .send({
        name: 'Bảo trì Chủ nhật',
        target: { kind: 'unit_subtree', unit: 'ENG' },
        schedule: {
          kind: 'recurring',
          daysOfWeek: [0],
          startTime: '01:00',
          durationMinutes: 120,
          timezone: 'Asia/Ho_Chi_Minh',
        },
      })
      .expect(201);
    const list = await request(server).get('/api/maintenance-windows').expect(200);
    expect(list.body.items.map((w: { name: string }) => w.name)).toContain('Bảo trì Chủ nhật');
    const bad = await request(server)
      .post('/api/maintenance-windows')
      .send({
        name: 'x',
        target: { kind: 'unit_subtree', unit: 'ENG' },
        schedule: { kind: 'one_off', startsAt: 'soon', endsAt: '2026-12-01T00:00:00Z' },
      })
      .expect(400);
    expect(bad.body.details[0].field).toBe('schedule.startsAt');
    await request(server)
      .delete(`/api/maintenance-windows/${created.body.id as string}`)
      .expect(204);
    await request(server)
      .delete(`/api/maintenance-windows/${created.body.id as string}`)
      .expect(404);
  });

  it('re-derives checks when the inventory changes (sync), without a restart', async () => {
    const server = t.http;
    const svc = await request(server).get('/api/services?q=www.eng.test').expect(200);
    await request(server)
      .patch(`/api/services/${svc.body.items[0].id}`)
      .send({ status: 'retired' })
      .expect(200);
    const r = await syncChecks(ds, loadChecksConfig());
    expect(r.removed).toBeGreaterThan(0);
    expect(await httpChecks()).toEqual([]);
  });
});
