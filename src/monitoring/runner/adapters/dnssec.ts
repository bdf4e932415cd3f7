import type { DnssecResult, DnssecStatus } from '../../../../probes/dns/dnssec/result';
import type { ProbeStatus, Reason } from '../../../../probes/probe';
import { applyDnssecEarlyWarning } from '../../state/dnssec-warning';
import { optBoolean, optNumber, optString, requireTargetString, targetString } from '../settings';
import { outcome, resolverOutsideScope } from './resolve';
import type { Adapter } from './types';

/** Signatures expiring within this many days make a secure answer `degraded` (settings.expiryWarningDays). */
export const DEFAULT_EXPIRY_WARNING_DAYS = 7;
/** RFC 9276: the validator's default NSEC3 iteration limit (settings.maxNsec3Iterations). */
export const DEFAULT_MAX_NSEC3_ITERATIONS = 150;
const DAY_MS = 86_400_000;
const MAX_REASONS = 10;

export interface DnssecObservations {
  name: string;
  type: string;
  status: DnssecStatus;
  reasons: string[];
  earliestExpiry: string | null;
  /** Whole days from the run's clock to `earliestExpiry` (floor); null: no signature seen. */
  daysToExpiry: number | null;
  /** The chain, root first: each zone's verdict, where its keys were anchored, its algorithms. */
  levels: {
    zone: string;
    status: DnssecStatus;
    anchoredBy: string;
    algorithms: string[];
    dsMatched: boolean;
  }[];
  /** Policy warning codes (deprecated algorithm, NSEC3 parameters...), without expiry. */
  warnings: string[];
  answer: { rcode: string | null; records: string[] };
  queries: number;
}

/** The small summary stored with every result (the full diagnostics stay in the CLI's report). */
export function summarizeDnssec(r: DnssecResult, now: Date): DnssecObservations {
  const earliest = r.diagnostics.earliestExpiry;
  return {
    name: r.name,
    type: r.type,
    status: r.status,
    reasons: r.reasons.slice(0, MAX_REASONS),
    earliestExpiry: earliest,
    daysToExpiry:
      earliest === null ? null : Math.floor((Date.parse(earliest) - now.getTime()) / DAY_MS),
    levels: r.diagnostics.levels.slice(0, 12).map((l) => ({
      zone: l.zone,
      status: l.status,
      anchoredBy: l.anchoredBy,
      algorithms: [...new Set(l.keys.map((k) => k.algorithmName))],
      dsMatched: l.ds.some((d) => d.matched),
    })),
    warnings: [
      ...new Set(
        r.diagnostics.warnings.map((w) => w.code).filter((c) => c !== 'signature-expiring'),
      ),
    ],
    answer: {
      rcode: r.answer.rcode,
      records: r.answer.records.slice(0, 10).map((x) => `${x.name} ${x.type} ${x.data}`),
    },
    queries: r.queries,
  };
}

/**
 * The check's verdict from the validator's:
 * secure → up (degraded, `signature_expiring`, when the earliest signature on the chain expires
 * within `expiryWarningDays`, default 7); insecure → down when `dnssecRequired`, else up with the
 * reason recorded; bogus → down; indeterminate (no usable answer) → not_tested.
 */
export function judgeDnssec(
  o: Pick<DnssecObservations, 'status' | 'reasons' | 'daysToExpiry' | 'name' | 'type'>,
  options: { dnssecRequired: boolean; expiryWarningDays: number },
): { status: ProbeStatus; reasons: Reason[] } {
  const subject = `${o.name} ${o.type}`;
  const detail = (code: string): Reason[] =>
    o.reasons.map((message, i) => ({ code: i === 0 ? code : 'dnssec_detail', message }));
  let verdict: { status: ProbeStatus; reasons: Reason[] };
  switch (o.status) {
    case 'secure':
      verdict = { status: 'up', reasons: [] };
      break;
    case 'insecure':
      verdict = options.dnssecRequired
        ? {
            status: 'down',
            reasons: [
              {
                code: 'dnssec_required',
                message: `${subject} is not signed, and DNSSEC is required`,
              },
              ...detail('dnssec_insecure'),
            ],
          }
        : { status: 'up', reasons: detail('dnssec_insecure') };
      break;
    case 'bogus':
      verdict = { status: 'down', reasons: detail('dnssec_bogus') };
      break;
    case 'indeterminate':
      verdict = { status: 'not_tested', reasons: detail('dnssec_indeterminate') };
      break;
  }
  return applyDnssecEarlyWarning(
    verdict,
    { status: o.status, daysToExpiry: o.daysToExpiry },
    options.expiryWarningDays,
  );
}

/**
 * dnssec: the chain of trust of a name and type through the runner's shared validator (every
 * query to the configured resolver, with CD set so bogus data still arrives to be explained).
 * Settings: type (else the target's), expiryWarningDays, maxNsec3Iterations, dnssecRequired.
 * No headline latency.
 */
export const dnssecAdapter: Adapter = {
  kind: 'dnssec',
  async run({ target, settings }, deps, context) {
    const name = requireTargetString(target, 'name', 'dnssec');
    const type = (targetString(target, 'type') ?? optString(settings, 'type') ?? 'A').toUpperCase();
    const outside = resolverOutsideScope(deps, context, { name, type });
    if (outside) return outside;
    const validator = deps.validator(
      optNumber(settings, 'maxNsec3Iterations') ?? DEFAULT_MAX_NSEC3_ITERATIONS,
    );
    const result = await validator.validate(name, type);
    const observations = summarizeDnssec(result, context.now());
    const { status, reasons } = judgeDnssec(observations, {
      dnssecRequired: optBoolean(settings, 'dnssecRequired') ?? false,
      expiryWarningDays: optNumber(settings, 'expiryWarningDays') ?? DEFAULT_EXPIRY_WARNING_DAYS,
    });
    return outcome(status, observations, reasons);
  },
  latencyMs: () => null,
};
