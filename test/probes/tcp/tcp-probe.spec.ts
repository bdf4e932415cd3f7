import type { ProbeContext } from '../../../probes/probe';
import { runProbe } from '../../../probes/run';
import { ProbeScope } from '../../../probes/scope';
import { TcpProbe, TcpSettings, TcpTarget } from '../../../probes/tcp/tcp-probe';
import { closedPort, dualPair, listen, TestServer } from './servers';

/** TCP probe against servers on 127.0.0.1 and ::1 only. */
describe('TcpProbe', () => {
  const probe = new TcpProbe();
  const servers: TestServer[] = [];
  const serve = async (...args: Parameters<typeof listen>) => {
    const s = await listen(...args);
    servers.push(s);
    return s;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  const context = (signal = new AbortController().signal): ProbeContext => ({
    signal,
    now: () => new Date(),
  });
  const probeOnce = (target: TcpTarget, settings: TcpSettings = {}, timeoutMs = 3000) =>
    runProbe(probe, target, settings, { timeoutMs });

  describe('connect', () => {
    it.each(['127.0.0.1', '::1'] as const)(
      'is up when %s accepts, with the connect latency',
      async (host) => {
        const server = await serve(host);
        const r = await probeOnce({ address: host, port: server.port });
        expect(r.status).toBe('up');
        expect(r.reasons).toEqual([]);
        expect(r.family).toBe(host === '::1' ? 6 : 4);
        expect(r.observations).toMatchObject({
          address: host,
          port: server.port,
          family: host === '::1' ? 6 : 4,
          connected: true,
          banner: null,
          bannerMatched: null,
          error: null,
        });
        expect(r.observations.connectMs).toBeGreaterThan(0);
        expect(r.observations.connectMs).toBeLessThan(1000);
        expect(server.connections).toHaveLength(1);
      },
    );

    it.each(['127.0.0.1', '::1'] as const)(
      'is down/refused on a closed port of %s',
      async (host) => {
        const port = await closedPort(host);
        const r = await probeOnce({ address: host, port });
        expect(r.status).toBe('down');
        expect(r.reasons.map((x) => x.code)).toEqual(['refused']);
        expect(r.reasons[0].message).toContain('refused');
        expect(r.observations.connected).toBe(false);
        expect(r.observations.connectMs).toBeNull();
        expect(r.observations.error?.code).toBe('ECONNREFUSED');
      },
    );

    it('honours the family: an IPv6 probe reaches only the ::1 listener, an IPv4 probe only 127.0.0.1', async () => {
      const { v4, v6 } = await dualPair();
      servers.push(v4, v6);
      expect(v4.port).toBe(v6.port);

      const r6 = await probeOnce({ address: '::1', port: v6.port });
      expect(r6.status).toBe('up');
      expect(r6.family).toBe(6);
      expect(v6.connections).toEqual(['::1']);
      expect(v4.connections).toEqual([]);

      const r4 = await probeOnce({ address: '127.0.0.1', port: v4.port });
      expect(r4.status).toBe('up');
      expect(r4.family).toBe(4);
      expect(v4.connections).toEqual(['127.0.0.1']);
      expect(v6.connections).toEqual(['::1']);
    });

    it('is degraded when the connect takes longer than slowConnectMs', async () => {
      const server = await serve('127.0.0.1');
      const r = await probeOnce({ address: '127.0.0.1', port: server.port }, { slowConnectMs: 0 });
      expect(r.status).toBe('degraded');
      expect(r.reasons.map((x) => x.code)).toEqual(['slow']);
    });
  });

  describe('banner', () => {
    it('is up when the banner matches, and records it', async () => {
      const server = await serve('127.0.0.1', {
        kind: 'banner',
        chunks: ['SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n'],
      });
      const r = await probeOnce(
        { address: '127.0.0.1', port: server.port },
        { expectBanner: '^SSH-2\\.0-OpenSSH' },
      );
      expect(r.status).toBe('up');
      expect(r.observations.bannerMatched).toBe(true);
      expect(r.observations.banner).toBe('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n');
      expect(r.observations.bannerMs).toBeGreaterThanOrEqual(0);
    });

    it('matches a banner that arrives in pieces, on IPv6 too', async () => {
      const server = await serve('::1', {
        kind: 'banner',
        chunks: ['220 mail.lamdong', '.gov.test ESMTP\r\n'],
        gapMs: 50,
      });
      const r = await probeOnce(
        { address: '::1', port: server.port },
        { expectBanner: /^220 .*ESMTP/ },
      );
      expect(r.status).toBe('up');
      expect(r.family).toBe(6);
      expect(r.observations.banner).toBe('220 mail.lamdong.gov.test ESMTP\r\n');
    });

    it('is down/banner_mismatch when the banner is something else', async () => {
      const server = await serve('127.0.0.1', { kind: 'banner', chunks: ['SSH-2.0-dropbear\r\n'] });
      const r = await probeOnce(
        { address: '127.0.0.1', port: server.port },
        { expectBanner: '^220 ', readBannerMs: 300 },
      );
      expect(r.status).toBe('down');
      expect(r.reasons.map((x) => x.code)).toEqual(['banner_mismatch']);
      expect(r.reasons[0].message).toContain('SSH-2.0-dropbear');
      expect(r.observations.bannerMatched).toBe(false);
      expect(r.observations.banner).toBe('SSH-2.0-dropbear\r\n');
      expect(r.family).toBe(4);
    });

    it('records the first line without judging it when only readBanner is set', async () => {
      const server = await serve('127.0.0.1', {
        kind: 'banner',
        chunks: ['+OK POP3 ready\r\nmore'],
      });
      const r = await probeOnce({ address: '127.0.0.1', port: server.port }, { readBanner: true });
      expect(r.status).toBe('up');
      expect(r.observations.banner).toMatch(/^\+OK POP3 ready\r\n/);
      expect(r.observations.bannerMatched).toBeNull();
    });

    it('stops reading at bannerMaxBytes', async () => {
      const server = await serve('127.0.0.1', { kind: 'banner', chunks: ['x'.repeat(5000)] });
      const r = await probeOnce(
        { address: '127.0.0.1', port: server.port },
        { expectBanner: '^y', bannerMaxBytes: 64 },
      );
      expect(r.status).toBe('down');
      expect(r.reasons.map((x) => x.code)).toEqual(['banner_mismatch']);
      expect(r.observations.banner).toHaveLength(64);
    });

    it('black hole: a server that accepts and never speaks is down within the deadline + 200 ms', async () => {
      const server = await serve('127.0.0.1', { kind: 'silent' });
      const timeoutMs = 400;
      const started = performance.now();
      const r = await runProbe(
        probe,
        { address: '127.0.0.1', port: server.port },
        { expectBanner: '^SSH-', readBannerMs: 30_000 },
        { timeoutMs },
      );
      const elapsed = performance.now() - started;
      expect(r.status).toBe('down');
      expect(r.reasons[0].code).toBe('deadline');
      // The probe's own words follow: it was waiting for the banner.
      expect(r.reasons[1]).toEqual({
        code: 'timeout',
        message: expect.stringContaining('waiting for the banner'),
      });
      expect(r.observations.connected).toBe(true);
      expect(elapsed).toBeGreaterThanOrEqual(timeoutMs - 5);
      expect(elapsed).toBeLessThan(timeoutMs + 200);
      await server.drained();
    });

    it('black hole with its own banner timeout: down/banner_timeout after readBannerMs', async () => {
      const server = await serve('::1', { kind: 'silent' });
      const started = performance.now();
      const r = await probeOnce(
        { address: '::1', port: server.port },
        { expectBanner: '^SSH-', readBannerMs: 250 },
      );
      const elapsed = performance.now() - started;
      expect(r.status).toBe('down');
      expect(r.reasons.map((x) => x.code)).toEqual(['banner_timeout']);
      expect(r.observations.banner).toBeNull();
      expect(elapsed).toBeGreaterThanOrEqual(245);
      expect(elapsed).toBeLessThan(250 + 200);
    });

    it('is down/reset when the server resets the connection', async () => {
      const server = await serve('127.0.0.1', { kind: 'reset' });
      const r = await probeOnce(
        { address: '127.0.0.1', port: server.port },
        { expectBanner: '^SSH-', readBannerMs: 2000 },
      );
      expect(r.status).toBe('down');
      expect(r.reasons.map((x) => x.code)).toEqual(['reset']);
      expect(r.observations.error?.code).toBe('ECONNRESET');
    });

    it('is down/closed when the server closes without a banner', async () => {
      const server = await serve('127.0.0.1', { kind: 'close' });
      const r = await probeOnce(
        { address: '127.0.0.1', port: server.port },
        { expectBanner: '^SSH-', readBannerMs: 2000 },
      );
      expect(r.status).toBe('down');
      expect(r.reasons.map((x) => x.code)).toEqual(['closed']);
    });
  });

  describe('scope, cancellation and bad input', () => {
    it('sends nothing to an address outside the probe scope', async () => {
      const { v4, v6 } = await dualPair();
      servers.push(v4, v6);
      const r = await runProbe(
        probe,
        { address: '::1', port: v6.port },
        {},
        { timeoutMs: 1000, scope: ProbeScope.parse('127.0.0.0/8') },
      );
      expect(r.status).toBe('not_tested');
      expect(r.reasons).toEqual([{ code: 'outside_scope', message: 'outside probe scope: ::1' }]);
      // Give a stray connection time to arrive, were there one.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(v6.connections).toEqual([]);
      expect(v4.connections).toEqual([]);
      const inside = await runProbe(
        probe,
        { address: '127.0.0.1', port: v4.port },
        {},
        { timeoutMs: 1000, scope: ProbeScope.parse('127.0.0.0/8') },
      );
      expect(inside.status).toBe('up');
    });

    it('is not_tested/aborted when the caller aborts while it waits', async () => {
      const server = await serve('127.0.0.1', { kind: 'silent' });
      const caller = new AbortController();
      setTimeout(() => caller.abort(), 100);
      const direct = await probe.run(
        { address: '127.0.0.1', port: server.port },
        { readBanner: true, readBannerMs: 10_000 },
        context(caller.signal),
      );
      expect(direct.status).toBe('not_tested');
      expect(direct.reasons.map((x) => x.code)).toEqual(['aborted']);
    });

    it.each([
      [{ address: 'www.lamdong.gov.test', port: 22 }, 'not an IP address'],
      [{ address: '::ffff:127.0.0.1', port: 22 }, 'IPv4-mapped'],
      [{ address: '127.0.0.1', port: 0 }, 'port must be'],
      [{ address: '127.0.0.1', port: 70000 }, 'port must be'],
    ])('throws on a bad target %j (a programming error)', async (target, message) => {
      await expect(probe.run(target, {}, context())).rejects.toThrow(message);
    });

    it('throws on an invalid banner expression; the runner makes it down/probe_error', async () => {
      await expect(
        probe.run({ address: '127.0.0.1', port: 22 }, { expectBanner: '(' }, context()),
      ).rejects.toThrow('not a valid regular expression');
      const r = await runProbe(
        probe,
        { address: '127.0.0.1', port: 22 },
        { expectBanner: '(' },
        { timeoutMs: 500 },
      );
      expect(r.status).toBe('down');
      expect(r.reasons[0].code).toBe('probe_error');
    });
  });
});
