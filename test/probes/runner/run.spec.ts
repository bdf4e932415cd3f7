import type { Probe, ProbeContext, ProbeOutcome } from '../../../probes/probe';
import { DEFAULT_GRACE_MS, inScope, isDeadline, runProbe } from '../../../probes/run';
import { ProbeScope } from '../../../probes/scope';
import { TcpProbe } from '../../../probes/tcp/tcp-probe';
import { dualPair, listen, TestServer } from '../tcp/servers';

interface Obs {
  seen: string;
}

/** A probe made of one function, for exercising the runner. */
function fake(
  run: (context: ProbeContext) => Promise<ProbeOutcome<Obs>> | ProbeOutcome<Obs>,
): Probe<string, null, Obs> & { calls: ProbeContext[] } {
  const calls: ProbeContext[] = [];
  return {
    kind: 'fake',
    calls,
    run: (_target, _settings, context) => {
      calls.push(context);
      return run(context) as Promise<ProbeOutcome<Obs>>;
    },
  };
}

const upOutcome: ProbeOutcome<Obs> = {
  status: 'up',
  family: 4,
  observations: { seen: 'yes' },
  reasons: [],
};

/** Settles when the signal aborts, as a well-behaved probe does, with its own reason. */
const honoursSignal = (context: ProbeContext) =>
  new Promise<ProbeOutcome<Obs>>((resolve) =>
    context.signal.addEventListener(
      'abort',
      () =>
        resolve({
          status: 'down',
          family: null,
          observations: { seen: 'half' },
          reasons: [{ code: 'timeout', message: 'gave up waiting' }],
        }),
      { once: true },
    ),
  );

const timed = async <T>(p: Promise<T>): Promise<{ value: T; ms: number }> => {
  const started = performance.now();
  const value = await p;
  return { value, ms: performance.now() - started };
};

const timerCount = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('runProbe', () => {
  describe('results', () => {
    it('returns the outcome with kind, end, startedAt (from the injected clock) and durationMs', async () => {
      const at = new Date('2026-01-02T03:04:05Z');
      const probe = fake(async (context) => {
        expect(context.now()).toBe(at);
        await new Promise((resolve) => setTimeout(resolve, 30));
        return upOutcome;
      });
      const r = await runProbe(probe, 'x', null, { timeoutMs: 1000, now: () => at });
      expect(r).toEqual({
        ...upOutcome,
        kind: 'fake',
        end: 'completed',
        startedAt: at,
        durationMs: expect.any(Number),
      });
      expect(r.durationMs).toBeGreaterThanOrEqual(25);
      expect(r.durationMs).toBeLessThan(500);
      // The probe's signal is aborted once the run is over, so leftovers can stop.
      expect(probe.calls[0].signal.aborted).toBe(true);
      expect(isDeadline(probe.calls[0].signal)).toBe(false);
    });

    it('passes the scope to the probe, and inScope judges addresses by it', async () => {
      const scope = ProbeScope.parse('127.0.0.0/8,::1/128');
      const probe = fake(() => upOutcome);
      await runProbe(probe, 'x', null, { timeoutMs: 1000, scope });
      const context = probe.calls[0];
      expect(context.scope).toBe(scope);
      expect(inScope(context, '127.0.0.1')).toBe(true);
      expect(inScope(context, '::1')).toBe(true);
      expect(inScope(context, '::2')).toBe(false);
      expect(inScope(context, '10.0.0.1')).toBe(false);
      expect(inScope(context, 'not-an-address')).toBe(false);
      expect(inScope({}, '10.0.0.1')).toBe(true);
    });
  });

  describe('deadline', () => {
    it('ends a probe that ignores its signal within timeout + grace: down/deadline', async () => {
      const probe = fake(() => new Promise<ProbeOutcome<Obs>>(() => undefined));
      const timeoutMs = 200;
      const { value: r, ms } = await timed(runProbe(probe, 'x', null, { timeoutMs }));
      expect(r.status).toBe('down');
      expect(r.end).toBe('deadline');
      expect(r.family).toBeNull();
      expect(r.observations).toEqual({});
      expect(r.reasons).toEqual([
        { code: 'deadline', message: 'no result within the 200 ms deadline' },
      ]);
      expect(probe.calls[0].signal.aborted).toBe(true);
      expect(isDeadline(probe.calls[0].signal)).toBe(true);
      expect(ms).toBeGreaterThanOrEqual(timeoutMs - 5);
      expect(ms).toBeLessThan(timeoutMs + DEFAULT_GRACE_MS + 100);
      expect(r.durationMs).toBeGreaterThanOrEqual(timeoutMs + DEFAULT_GRACE_MS - 5);
    });

    it('ends a probe stuck in synchronous-looking waits too (graceMs 0)', async () => {
      const probe = fake(() => new Promise<ProbeOutcome<Obs>>(() => undefined));
      const { value: r, ms } = await timed(
        runProbe(probe, 'x', null, { timeoutMs: 100, graceMs: 0 }),
      );
      expect(r.reasons[0].code).toBe('deadline');
      expect(ms).toBeLessThan(100 + 100);
    });

    it('keeps what a probe that honours its signal reports, after the deadline reason', async () => {
      const probe = fake(honoursSignal);
      const { value: r, ms } = await timed(runProbe(probe, 'x', null, { timeoutMs: 150 }));
      expect(r.status).toBe('down');
      expect(r.end).toBe('deadline');
      expect(r.reasons.map((x) => x.code)).toEqual(['deadline', 'timeout']);
      expect(r.observations).toEqual({ seen: 'half' });
      // It answered at once, so the grace period was not waited out.
      expect(ms).toBeLessThan(150 + DEFAULT_GRACE_MS - 10);
    });

    it('swallows a rejection that comes after the run gave up on the probe', async () => {
      let rejectLater: (e: Error) => void = () => undefined;
      const probe = fake(
        () => new Promise<ProbeOutcome<Obs>>((_resolve, reject) => (rejectLater = reject)),
      );
      const unhandled = jest.fn();
      process.on('unhandledRejection', unhandled);
      try {
        const r = await runProbe(probe, 'x', null, { timeoutMs: 50, graceMs: 10 });
        expect(r.reasons[0].code).toBe('deadline');
        rejectLater(new Error('too late'));
        await new Promise((resolve) => setTimeout(resolve, 20));
        expect(unhandled).not.toHaveBeenCalled();
      } finally {
        process.off('unhandledRejection', unhandled);
      }
    });

    it('refuses a timeout that is not a positive number (a programming error)', async () => {
      const probe = fake(() => upOutcome);
      await expect(runProbe(probe, 'x', null, { timeoutMs: 0 })).rejects.toThrow(RangeError);
      await expect(runProbe(probe, 'x', null, { timeoutMs: Number.NaN })).rejects.toThrow(
        'timeoutMs',
      );
      expect(probe.calls).toHaveLength(0);
    });
  });

  describe('errors', () => {
    it.each([
      [
        'rejects',
        () => Promise.reject(new Error('socket exploded')),
        'probe fake failed: socket exploded',
      ],
      [
        'throws synchronously',
        () => {
          throw new TypeError('bad settings');
        },
        'probe fake failed: bad settings',
      ],
      ['throws a non-Error', () => Promise.reject('a string'), 'probe fake failed: a string'],
    ])('a probe that %s is down/probe_error with the message', async (_how, run, message) => {
      const r = await runProbe(fake(run), 'x', null, { timeoutMs: 1000 });
      expect(r.status).toBe('down');
      expect(r.end).toBe('error');
      expect(r.family).toBeNull();
      expect(r.reasons).toEqual([{ code: 'probe_error', message }]);
    });

    it('a probe that returns something that is not an outcome is down/probe_error', async () => {
      const r = await runProbe(
        fake(() => ({ status: 'fine' }) as unknown as ProbeOutcome<Obs>),
        'x',
        null,
        { timeoutMs: 1000 },
      );
      expect(r.status).toBe('down');
      expect(r.reasons).toEqual([
        { code: 'probe_error', message: 'probe fake returned an invalid outcome' },
      ]);
    });
  });

  describe('caller abort', () => {
    it('is not_tested/aborted when the caller aborts mid-run', async () => {
      const caller = new AbortController();
      const probe = fake(honoursSignal);
      setTimeout(() => caller.abort(), 50);
      const { value: r, ms } = await timed(
        runProbe(probe, 'x', null, { timeoutMs: 5000, signal: caller.signal }),
      );
      expect(r.status).toBe('not_tested');
      expect(r.end).toBe('aborted');
      expect(r.reasons.map((x) => x.code)).toEqual(['aborted', 'timeout']);
      expect(isDeadline(probe.calls[0].signal)).toBe(false);
      expect(ms).toBeLessThan(1000);
    });

    it('does not start the probe when the caller has already aborted', async () => {
      const caller = new AbortController();
      caller.abort();
      const probe = fake(() => upOutcome);
      const r = await runProbe(probe, 'x', null, { timeoutMs: 1000, signal: caller.signal });
      expect(r.status).toBe('not_tested');
      expect(r.reasons[0].code).toBe('aborted');
      expect(probe.calls).toHaveLength(0);
    });

    it('removes its listener from the caller signal', async () => {
      const caller = new AbortController();
      const add = jest.spyOn(caller.signal, 'addEventListener');
      const remove = jest.spyOn(caller.signal, 'removeEventListener');
      await runProbe(
        fake(() => upOutcome),
        'x',
        null,
        { timeoutMs: 1000, signal: caller.signal },
      );
      expect(add).toHaveBeenCalledTimes(1);
      expect(remove).toHaveBeenCalledWith('abort', add.mock.calls[0][1]);
    });
  });

  describe('scope with a real probe', () => {
    let v4: TestServer;
    let v6: TestServer;
    beforeAll(async () => ({ v4, v6 } = await dualPair()));
    afterAll(async () => {
      await v4.close();
      await v6.close();
    });

    it('an address outside the scope is not_tested/outside_scope and nothing is sent', async () => {
      const scope = ProbeScope.parse('::1/128');
      const r = await runProbe(
        new TcpProbe(),
        { address: '127.0.0.1', port: v4.port },
        {},
        { timeoutMs: 1000, scope },
      );
      expect(r.status).toBe('not_tested');
      expect(r.end).toBe('completed');
      expect(r.reasons).toEqual([
        { code: 'outside_scope', message: 'outside probe scope: 127.0.0.1' },
      ]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(v4.connections).toEqual([]);
      expect(v6.connections).toEqual([]);
    });
  });

  describe('resources', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await listen('127.0.0.1', { kind: 'banner', chunks: ['220 ready\r\n'] });
    });
    afterAll(async () => server.close());

    it('clears its timers after each kind of ending', async () => {
      const before = timerCount();
      await runProbe(
        fake(() => upOutcome),
        'x',
        null,
        { timeoutMs: 10_000 },
      );
      await runProbe(fake(honoursSignal), 'x', null, { timeoutMs: 20, graceMs: 10_000 });
      await runProbe(
        fake(() => Promise.reject(new Error('x'))),
        'x',
        null,
        { timeoutMs: 10_000 },
      );
      expect(timerCount()).toBe(before);
    });

    it('leaves no handle behind after 1,000 quick probe runs', async () => {
      const settle = () => new Promise((resolve) => setImmediate(resolve));
      await settle();
      // Immediates come and go with Jest's own bookkeeping; sockets and timers are what a probe could leak.
      const snapshot = () =>
        process
          .getActiveResourcesInfo()
          .filter((r) => r !== 'Immediate')
          .sort();
      const before = snapshot();
      const probe = new TcpProbe();
      const statuses = new Map<string, number>();
      const runs = 1000;
      const batch = 25;
      for (let i = 0; i < runs; i += batch) {
        const results = await Promise.all(
          Array.from({ length: batch }, (_, j) =>
            runProbe(
              probe,
              { address: '127.0.0.1', port: server.port },
              // Every other run reads the banner, so both code paths are counted.
              (i + j) % 2 ? { expectBanner: '^220 ' } : {},
              { timeoutMs: 5000 },
            ),
          ),
        );
        for (const r of results) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      }
      expect(Object.fromEntries(statuses)).toEqual({ up: runs });
      expect(server.connections).toHaveLength(runs);
      await server.drained();
      await settle();
      // No kind of handle is more numerous than before (one open before, such as another
      // suite's keep-alive socket, may have closed meanwhile: that is not a leak).
      const count = (list: string[]) =>
        list.reduce<Record<string, number>>((m, r) => ({ ...m, [r]: (m[r] ?? 0) + 1 }), {});
      const grown = Object.entries(count(snapshot())).filter(
        ([kind, n]) => n > (count(before)[kind] ?? 0),
      );
      expect(grown).toEqual([]);
    });
  });
});
