import { worstStatus, type ProbeOutcome, type Reason } from '../../../../probes/probe';
import type { ResolvedTarget } from './resolve';

/** At most this many addresses of one family are probed per run (the rest are listed, not probed). */
export const MAX_ADDRESSES = 8;

export interface AddressResult<O extends object> {
  address: string;
  status: ProbeOutcome<O>['status'];
  observations: O;
}

export interface PerAddressObservations<O extends object> extends ResolvedTarget {
  /** Addresses found but not probed (beyond MAX_ADDRESSES). */
  skipped?: string[];
  results: AddressResult<O>[];
}

/**
 * Probes every address of the family (in parallel, at most MAX_ADDRESSES) and judges the
 * family by the worst of them: users are sent to any of the addresses, so one that fails is a
 * failure of the service on that family. The family answered when any address did.
 */
export async function probeEach<O extends object>(
  resolved: ResolvedTarget,
  probe: (address: string) => Promise<ProbeOutcome<O>>,
): Promise<ProbeOutcome<PerAddressObservations<O>>> {
  const chosen = resolved.addresses.slice(0, MAX_ADDRESSES);
  const outcomes = await Promise.all(chosen.map((address) => probe(address)));
  const observations: PerAddressObservations<O> = {
    ...resolved,
    ...(resolved.addresses.length > chosen.length
      ? { skipped: resolved.addresses.slice(chosen.length) }
      : {}),
    results: outcomes.map((o, i) => ({
      address: chosen[i],
      status: o.status,
      observations: o.observations,
    })),
  };
  const seen = new Set<string>();
  const reasons: Reason[] = [];
  for (const o of outcomes)
    for (const r of o.reasons) {
      const key = `${r.code}|${r.message}`;
      if (!seen.has(key)) {
        seen.add(key);
        reasons.push(r);
      }
    }
  return {
    status: worstStatus(outcomes.map((o) => o.status)),
    family: outcomes.some((o) => o.family !== null) ? resolved.family : null,
    observations,
    reasons,
  };
}

/** The first address result whose observations carry a number at `key`. */
export function firstNumber(observations: object, key: string): number | null {
  const results = (observations as { results?: unknown }).results;
  if (!Array.isArray(results)) return null;
  for (const r of results) {
    const o: unknown = (r as { observations?: unknown } | null)?.observations;
    const v = o && typeof o === 'object' ? (o as Record<string, unknown>)[key] : undefined;
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return null;
}
