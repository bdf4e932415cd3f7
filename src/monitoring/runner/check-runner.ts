import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { DnssecValidator, type TrustAnchor } from '../../../probes/dns/dnssec/validator';
import { ServerLookup } from '../../../probes/dns/lookup';
import { UdpTcpTransport, type DnsServer, type DnsTransport } from '../../../probes/dns/transport';
import { HttpSettingsError } from '../../../probes/http/http-probe';
import { ipv6SelfTest, type Ipv6Anchor, type SelfTestResult } from '../../../probes/ipv6/self-test';
import type {
  AddressFamily,
  Probe,
  ProbeOutcome,
  ProbeStatus,
  Reason,
} from '../../../probes/probe';
import { runProbe } from '../../../probes/run';
import type { ProbeScope } from '../../../probes/scope';
import { TlsSettingsError } from '../../../probes/tls/tls-probe';
import type { CheckDefinition } from '../checks/check.types';
import type { CheckResult as StoredResult } from '../results/types';
import { ADAPTERS } from './adapters';
import { DEFAULT_QUERY_TIMEOUT_MS } from './adapters/resolve';
import type { AdapterInput, RunnerDeps, SnmpSecrets } from './adapters/types';
import { boundObservations, storableText } from './observations';
import { CheckSettingsError } from './settings';

export type { SnmpSecrets } from './adapters/types';

/** One run of one check, as the result writer stores it (src/monitoring/results/types.ts). */
export interface CheckResult {
  checkId: string;
  /** When the run started (the injected clock). */
  at: Date;
  status: ProbeStatus;
  /** The family that answered; null when none did (or nothing was sent). */
  family: AddressFamily | null;
  /** Wall time of the run, ms (monotonic clock). */
  durationMs: number;
  /** The kind's headline latency (http total, tcp connect, icmp avg rtt, dns response, snmp first GET); null otherwise or when nothing answered. */
  latencyMs: number | null;
  reasons: Reason[];
  /** JSON-safe and bounded (see observations.ts). */
  observations: Record<string, unknown>;
  /** A fresh UUID per result: the writer's idempotency key. */
  runId: string;
}

/** A runner result is exactly what the result writer takes (checked by the compiler). */
export const toStoredResult = (result: CheckResult): StoredResult => result;

export interface CheckRunnerOptions {
  /** Every DNS question of every check goes to this server (an IP literal). */
  resolver: DnsServer;
  /** DNSSEC trust anchors (dnssec checks, dns-answer with `validate`). */
  anchors: TrustAnchor[];
  /** The networks checks may send to; checked before every packet. */
  scope: ProbeScope;
  /** What the probe host reaches to prove its own IPv6 before any IPv6 verdict. */
  ipv6Anchor: Ipv6Anchor;
  secrets: SnmpSecrets;
  now?: () => Date;
  transport?: DnsTransport;
  /**
   * How long a DNSSEC validator (and its query and key caches) is reused, ms (default 60 000).
   * The validator's own cache keeps answers 5 minutes, failures included; the runner replaces
   * it after this lifetime (and on `startSweep()`), so a sweep of many names under the same
   * TLD shares the chain's keys while a fixed zone is seen fixed within a minute.
   */
  dnssecCacheMs?: number;
  /** How long the probe host's IPv6 self-test result is reused, ms (default 60 000). */
  selfTestCacheMs?: number;
  /** The self-test's own timeout, ms (default 5000). */
  selfTestTimeoutMs?: number;
  /** The ping executable (default `ping` on PATH). */
  pingCommand?: string;
  /** Time a probe gets after the deadline to report what it saw (runProbe's grace, default 50 ms). */
  graceMs?: number;
}

const DEFAULT_CACHE_MS = 60_000;
const MAX_REASONS = 20;
const MAX_REASON_CHARS = 1000;
const round = (ms: number) => Math.round(ms * 1000) / 1000;

/** Settings errors of the probes: a definition that cannot run is no verdict on the target. */
function isSettingsError(error: unknown): error is Error {
  return (
    error instanceof CheckSettingsError ||
    error instanceof HttpSettingsError ||
    error instanceof TlsSettingsError
  );
}

export function boundReasons(reasons: Reason[]): Reason[] {
  const cut = (s: string) =>
    storableText(s.length > MAX_REASON_CHARS ? `${s.slice(0, MAX_REASON_CHARS)}…` : s);
  const out = reasons
    .slice(0, MAX_REASONS)
    .map((r) => ({ code: cut(r.code), message: cut(r.message) }));
  if (reasons.length > MAX_REASONS)
    out.push({
      code: 'more_reasons',
      message: `${reasons.length - MAX_REASONS} more reasons left out`,
    });
  return out;
}

/**
 * Runs check definitions: one adapter per kind turns the definition's target and settings into
 * probe calls (adapters/), and every run goes through `runProbe` with the check's `timeoutMs`,
 * so no probe, lookup or credential fetch can overrun it. One runner serves the whole engine;
 * it is safe to run many checks concurrently.
 *
 * Shared state, deliberately short-lived: the DNSSEC validators (one per NSEC3 iteration limit)
 * and the IPv6 self-test result, each reused for `dnssecCacheMs` / `selfTestCacheMs` or until
 * `startSweep()`.
 */
export class CheckRunner {
  private readonly now: () => Date;
  private readonly deps: RunnerDeps;
  private readonly dnssecCacheMs: number;
  private readonly selfTestCacheMs: number;
  private validators = new Map<number, { born: number; validator: DnssecValidator }>();
  private selfTestCache: { born: number; result: Promise<SelfTestResult> } | null = null;

  constructor(private readonly options: CheckRunnerOptions) {
    if (!isIP(options.resolver.address))
      throw new TypeError(`CheckRunner: resolver ${options.resolver.address} is not an IP address`);
    if (isIP(options.ipv6Anchor.address) !== 6)
      throw new TypeError(
        `CheckRunner: the IPv6 anchor ${options.ipv6Anchor.address} is not an IPv6 address`,
      );
    this.now = options.now ?? (() => new Date());
    this.dnssecCacheMs = options.dnssecCacheMs ?? DEFAULT_CACHE_MS;
    this.selfTestCacheMs = options.selfTestCacheMs ?? DEFAULT_CACHE_MS;
    this.deps = {
      resolver: options.resolver,
      anchors: options.anchors,
      transport: options.transport ?? new UdpTcpTransport(),
      secrets: options.secrets,
      pingCommand: options.pingCommand,
      validator: (n) => this.validator(n),
      selfTest: () => this.selfTest(),
    };
  }

  /** Drops the shared caches: call at the start of a sweep so each sweep sees fresh DNS. */
  startSweep(): void {
    this.validators.clear();
    this.selfTestCache = null;
  }

  async run(
    check: CheckDefinition & { id: string },
    previous?: { observations?: unknown },
    signal?: AbortSignal,
  ): Promise<CheckResult> {
    const adapter = Object.hasOwn(ADAPTERS, check.kind) ? ADAPTERS[check.kind] : undefined;
    const input: AdapterInput = {
      check,
      target: check.target,
      settings: check.settings ?? {},
      previous: previous?.observations,
    };
    const deps = this.deps;
    const probe: Probe<AdapterInput, undefined, object> = {
      kind: check.kind,
      async run(i, _settings, context): Promise<ProbeOutcome<object>> {
        try {
          if (!adapter) throw new CheckSettingsError(`unknown check kind ${String(check.kind)}`);
          return await adapter.run(i, deps, context);
        } catch (error) {
          if (!isSettingsError(error)) throw error;
          return {
            status: 'not_tested',
            family: null,
            observations: {},
            reasons: [
              { code: 'invalid_settings', message: `check ${check.key}: ${error.message}` },
            ],
          };
        }
      },
    };
    const timeoutMs =
      Number.isFinite(check.timeoutMs) && check.timeoutMs > 0 ? check.timeoutMs : 30_000;
    const r = await runProbe(probe, input, undefined, {
      timeoutMs,
      graceMs: this.options.graceMs,
      now: this.now,
      scope: this.options.scope,
      signal,
    });
    const latency = r.family !== null && adapter ? adapter.latencyMs(r.observations) : null;
    return {
      checkId: check.id,
      at: r.startedAt,
      status: r.status,
      family: r.family,
      durationMs: round(r.durationMs),
      latencyMs: latency === null ? null : round(latency),
      reasons: boundReasons(r.reasons),
      observations: boundObservations(r.observations),
      runId: randomUUID(),
    };
  }

  /** The validator for an NSEC3 limit, replaced once older than `dnssecCacheMs`. */
  private validator(maxNsec3Iterations: number): DnssecValidator {
    const cached = this.validators.get(maxNsec3Iterations);
    if (cached && performance.now() - cached.born < this.dnssecCacheMs) return cached.validator;
    const validator = new DnssecValidator({
      lookup: new ServerLookup(this.deps.transport, this.options.resolver, {
        timeoutMs: DEFAULT_QUERY_TIMEOUT_MS,
      }),
      anchors: this.options.anchors,
      now: this.now,
      maxNsec3Iterations,
    });
    this.validators.set(maxNsec3Iterations, { born: performance.now(), validator });
    return validator;
  }

  /** The probe host's IPv6 self-test, shared while younger than `selfTestCacheMs`. */
  private selfTest(): Promise<SelfTestResult> {
    const cached = this.selfTestCache;
    if (cached && performance.now() - cached.born < this.selfTestCacheMs) return cached.result;
    const timeoutMs = this.options.selfTestTimeoutMs ?? 5000;
    const result = ipv6SelfTest({
      anchor: this.options.ipv6Anchor,
      timeoutMs,
      // Shared by several runs, so bound by its own timeout rather than one run's deadline.
      signal: AbortSignal.timeout(timeoutMs + 1000),
      scope: this.options.scope,
      now: this.now,
    });
    this.selfTestCache = { born: performance.now(), result };
    return result;
  }
}
