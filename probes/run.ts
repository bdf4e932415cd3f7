/**
 * The probe runner: the one way the monitoring engine (and the CLI) runs a probe. It owns what
 * no probe should be trusted with: the deadline, the caller's cancellation, turning a crash
 * into an outcome, timing, and leaving no timer or listener behind.
 *
 * Guarantees, for any probe, however it misbehaves:
 * - the promise settles within `timeoutMs + graceMs` (plus event-loop latency); a probe that
 *   never settles is abandoned at that point (its later result or rejection is swallowed);
 * - it never rejects once the probe has started (only invalid `options` throw, before): a throw
 *   (sync or async) is `down` with reason `probe_error`, the error's message in the reason;
 * - the deadline is `down` with reason `deadline`; the caller's abort is `not_tested` with
 *   reason `aborted` (the target was not judged);
 * - every timer and listener it set is cleared before it settles.
 */
import type {
  AddressFamily,
  Probe,
  ProbeContext,
  ProbeOutcome,
  ProbeStatus,
  Reason,
} from './probe';
import type { ProbeScope } from './scope';

export interface RunOptions {
  /** The run's deadline: the context signal aborts after this many milliseconds. */
  timeoutMs: number;
  /**
   * After the deadline, how long the probe may take to wind down and report what it saw
   * (default 50 ms). The result then still says `down`/`deadline`, with the probe's reasons and
   * observations added.
   */
  graceMs?: number;
  /** Injected clock, passed to the probe as `context.now` (default: the system clock). */
  now?: () => Date;
  /** The networks the probe may send to, passed as `context.scope` (default: no restriction). */
  scope?: ProbeScope;
  /** The caller's cancellation (engine shutdown, a check removed): `not_tested`/`aborted`. */
  signal?: AbortSignal;
}

/** How the run ended, for the engine's own bookkeeping (the outcome says what the target did). */
export type RunEnd = 'completed' | 'deadline' | 'aborted' | 'error';

/**
 * A probe's outcome plus the runner's facts. Observations are `Partial`: a run that hit the
 * deadline or crashed may carry some or none of them.
 */
export interface ProbeRunResult<
  Observations extends object = Record<string, unknown>,
> extends ProbeOutcome<Partial<Observations>> {
  kind: string;
  end: RunEnd;
  startedAt: Date;
  /** Wall time from the call to the result, milliseconds (monotonic clock). */
  durationMs: number;
}

export const DEFAULT_GRACE_MS = 50;

/** The reason a probe gets for an address outside the probe scope. */
export const OUTSIDE_SCOPE: Reason = { code: 'outside_scope', message: 'outside probe scope' };

/** Abort reasons the runner uses; probes can tell them apart by `name`. */
export function deadlineReason(timeoutMs: number): DOMException {
  return new DOMException(`probe deadline of ${timeoutMs} ms reached`, 'TimeoutError');
}
export function callerAbortReason(): DOMException {
  return new DOMException('aborted by the caller', 'AbortError');
}

/** True when the signal was aborted by the run's deadline (rather than by the caller). */
export function isDeadline(signal: AbortSignal): boolean {
  const reason: unknown = signal.reason;
  return reason instanceof DOMException && reason.name === 'TimeoutError';
}

/** May this run send to `address`? Without a scope, yes. Unparseable addresses are never in scope. */
export function inScope(
  context: Pick<ProbeContext, 'scope'>,
  address: string,
  port?: number,
): boolean {
  return context.scope ? context.scope.allows(address, port) : true;
}

/**
 * The outcome for an address outside the probe scope: `not_tested`, reason `outside_scope`.
 * Probes return it before opening any socket.
 */
export function outsideScopeOutcome<O extends object>(
  address: string,
  observations: O,
): ProbeOutcome<O> {
  return {
    status: 'not_tested',
    family: null,
    observations,
    reasons: [{ ...OUTSIDE_SCOPE, message: `${OUTSIDE_SCOPE.message}: ${address}` }],
  };
}

const STATUSES: ReadonlySet<ProbeStatus> = new Set(['up', 'degraded', 'down', 'not_tested']);

function isOutcome(value: unknown): value is ProbeOutcome<object> {
  if (!value || typeof value !== 'object') return false;
  const o = value as Partial<ProbeOutcome<object>>;
  return (
    typeof o.status === 'string' &&
    STATUSES.has(o.status) &&
    (o.family === null || o.family === 4 || o.family === 6) &&
    !!o.observations &&
    typeof o.observations === 'object' &&
    Array.isArray(o.reasons)
  );
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

type Settled<O extends object> =
  { kind: 'outcome'; outcome: ProbeOutcome<O> } | { kind: 'error'; error: unknown };

/**
 * Runs one probe against one target with a deadline. Never rejects; see the file comment for
 * the guarantees.
 */
export async function runProbe<Target, Settings, Observations extends object>(
  probe: Probe<Target, Settings, Observations>,
  target: Target,
  settings: Settings,
  options: RunOptions,
): Promise<ProbeRunResult<Observations>> {
  const { timeoutMs } = options;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw new RangeError(`runProbe: timeoutMs must be a positive number, got ${timeoutMs}`);
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  const now = options.now ?? (() => new Date());
  const started = performance.now();
  const startedAt = now();
  const finish = (
    end: RunEnd,
    status: ProbeStatus,
    family: AddressFamily | null,
    observations: Partial<Observations>,
    reasons: Reason[],
  ): ProbeRunResult<Observations> => ({
    kind: probe.kind,
    status,
    family,
    observations,
    reasons,
    end,
    startedAt,
    durationMs: performance.now() - started,
  });

  if (options.signal?.aborted)
    return finish('aborted', 'not_tested', null, {}, [
      { code: 'aborted', message: 'aborted by the caller before the probe started' },
    ]);

  const controller = new AbortController();
  const context: ProbeContext = { signal: controller.signal, now, scope: options.scope };

  let deadlineTimer: NodeJS.Timeout | undefined;
  let graceTimer: NodeJS.Timeout | undefined;
  let onCallerAbort: (() => void) | undefined;

  // Resolves once: with the probe's result, or (after the deadline or abort plus grace) with null.
  const settled = await new Promise<Settled<Observations> | null>((resolve) => {
    let done = false;
    const settle = (value: Settled<Observations> | null) => {
      if (done) return;
      done = true;
      resolve(value);
    };
    const startGrace = (reason: DOMException) => {
      if (controller.signal.aborted) return;
      controller.abort(reason);
      graceTimer = setTimeout(() => settle(null), graceMs);
    };
    deadlineTimer = setTimeout(() => startGrace(deadlineReason(timeoutMs)), timeoutMs);
    onCallerAbort = () => startGrace(callerAbortReason());
    options.signal?.addEventListener('abort', onCallerAbort, { once: true });

    let running: Promise<ProbeOutcome<Observations>>;
    try {
      running = Promise.resolve(probe.run(target, settings, context));
    } catch (error) {
      settle({ kind: 'error', error });
      return;
    }
    // Both handlers attached: a probe that rejects after we gave up is not an unhandled rejection.
    void running.then(
      (outcome) => settle({ kind: 'outcome', outcome }),
      (error: unknown) => settle({ kind: 'error', error }),
    );
  });

  clearTimeout(deadlineTimer);
  clearTimeout(graceTimer);
  if (onCallerAbort) options.signal?.removeEventListener('abort', onCallerAbort);

  const aborted = controller.signal.aborted;
  const byDeadline = aborted && isDeadline(controller.signal);
  // Tell a probe that is still running (or finished on its own) that the run is over.
  if (!aborted) controller.abort(new DOMException('probe run finished', 'AbortError'));

  if (settled?.kind === 'error') {
    return finish('error', 'down', null, {}, [
      {
        code: 'probe_error',
        message: `probe ${probe.kind} failed: ${errorMessage(settled.error)}`,
      },
    ]);
  }
  if (settled && !isOutcome(settled.outcome)) {
    return finish('error', 'down', null, {}, [
      { code: 'probe_error', message: `probe ${probe.kind} returned an invalid outcome` },
    ]);
  }
  const outcome = settled?.outcome;
  if (!aborted && outcome) {
    return finish('completed', outcome.status, outcome.family, outcome.observations, [
      ...outcome.reasons,
    ]);
  }
  // The deadline or the caller ended the run; keep what the probe saw, if it said anything.
  const reasons: Reason[] = byDeadline
    ? [{ code: 'deadline', message: `no result within the ${timeoutMs} ms deadline` }]
    : [{ code: 'aborted', message: 'aborted by the caller' }];
  if (outcome) reasons.push(...outcome.reasons.filter((r) => r.code !== reasons[0].code));
  return finish(
    byDeadline ? 'deadline' : 'aborted',
    byDeadline ? 'down' : 'not_tested',
    outcome?.family ?? null,
    outcome?.observations ?? {},
    reasons,
  );
}
