import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Public } from '../auth/permissions';
import { NETWATCH_CONFIG, NetwatchConfig } from '../config/config.types';
import { parsePublicServiceRef, PublicServiceRef } from './public-status.config';
import { RollupQuery } from './results/rollup-query';

/** What a visitor reads: one word per service, never the checks' reasons. */
export type PublicState = 'operational' | 'degraded' | 'outage' | 'unknown';

/** Checks whose failure means the service cannot be reached (over IPv4, see publicState). */
const AVAILABILITY_KINDS = new Set(['http', 'tls', 'tcp', 'icmp', 'smtp', 'dns-answer']);
const FAILED = new Set(['down', 'unreachable']);
const RANGES = { '24h': 86_400_000, '30d': 30 * 86_400_000 } as const;
/** The answer is shared by every visitor for this long: the page is unauthenticated. */
const CACHE_MS = 15_000;

interface CheckRow {
  id: string;
  object_id: string;
  kind: string;
  family: number | null;
  state: string;
}

const isAvailability = (c: CheckRow) => AVAILABILITY_KINDS.has(c.kind) && c.family !== 6;

/**
 * A visitor's view of a service: an outage when an availability check over IPv4 (or any family)
 * fails; degraded when only IPv6, DNSSEC or a degraded check is wrong (most visitors still get
 * through); operational when something answered and nothing is wrong; unknown before any result.
 */
export function publicState(checks: { kind: string; family: number | null; state: string }[]) {
  const c = checks as CheckRow[];
  if (c.some((x) => isAvailability(x) && FAILED.has(x.state))) return 'outage';
  if (c.some((x) => FAILED.has(x.state) || x.state === 'degraded')) return 'degraded';
  if (c.some((x) => x.state === 'up')) return 'operational';
  return 'unknown';
}

function matches(ref: PublicServiceRef, s: { id: string; kind: string; hostname: string }) {
  if ('id' in ref) return ref.id === s.id;
  return ref.hostname === s.hostname.toLowerCase() && (ref.kind === null || ref.kind === s.kind);
}

/**
 * `GET /api/public/status`: the shared services chosen in `publicStatus.services` and nothing
 * else: name, public host name, one state word and the uptime. No ids, addresses, reasons or
 * units, so the page can be shown to anyone.
 */
@ApiTags('public')
@Controller('api/public')
export class PublicStatusController {
  private readonly rollups: RollupQuery;
  private readonly refs: PublicServiceRef[];
  private cached: { at: number; body: Promise<unknown> } | null = null;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(NETWATCH_CONFIG) private readonly config: NetwatchConfig,
  ) {
    this.rollups = new RollupQuery(dataSource);
    // Validated at start-up (config loader), so every entry parses.
    this.refs = config.publicStatus.services
      .map(parsePublicServiceRef)
      .filter((r): r is PublicServiceRef => r !== null);
  }

  @Get('status')
  @Public()
  @ApiOperation({
    summary: 'Public status of the configured shared services (no sign-in; cached 15 s)',
  })
  async status() {
    const now = Date.now();
    if (!this.cached || now - this.cached.at > CACHE_MS) {
      const body = this.compute(new Date(now));
      this.cached = { at: now, body };
      // A failed computation must not be served to everyone for the cache's lifetime.
      body.catch(() => {
        if (this.cached?.body === body) this.cached = null;
      });
    }
    return this.cached.body;
  }

  private async compute(now: Date) {
    const { title, titleEn } = this.config.publicStatus;
    const base = { title: title || null, titleEn: titleEn || null, generatedAt: now };
    if (!this.refs.length) return { ...base, services: [] };
    const ids = this.refs.flatMap((r) => ('id' in r ? [r.id] : []));
    const hosts = this.refs.flatMap((r) => ('id' in r ? [] : [r.hostname]));
    const services: { id: string; kind: string; hostname: string; name: string }[] =
      await this.dataSource.query(
        `SELECT s.id, s.kind, s.hostname, s.name FROM services s
          WHERE s.status = 'active' AND (s.id = ANY($1::uuid[]) OR lower(s.hostname) = ANY($2::text[]))`,
        [ids, hosts],
      );
    // In the configured order; a host name without a kind brings every kind under that name.
    const chosen = this.refs.flatMap((ref) =>
      services.filter((s) => matches(ref, s)).sort((a, b) => a.kind.localeCompare(b.kind)),
    );
    const unique = [...new Map(chosen.map((s) => [s.id, s])).values()];
    if (!unique.length) return { ...base, services: [] };

    const checks: CheckRow[] = await this.dataSource.query(
      `SELECT c.id, c.object_id, c.kind, c.family, COALESCE(st.state, 'unknown') AS state
         FROM checks c LEFT JOIN check_states st ON st.check_id = c.id
        WHERE c.object_type = 'service' AND c.enabled AND c.object_id = ANY($1::uuid[])`,
      [unique.map((s) => s.id)],
    );
    // Uptime from the availability checks; a service with none is judged on all of its checks.
    const uptimeChecks = new Map(
      unique.map((s) => {
        const own = checks.filter((c) => c.object_id === s.id);
        const avail = own.filter(isAvailability);
        return [s.id, (avail.length ? avail : own).map((c) => c.id)];
      }),
    );
    const allIds = [...uptimeChecks.values()].flat();
    const uptime = Object.fromEntries(
      await Promise.all(
        Object.entries(RANGES).map(async ([name, ms]) => {
          const report = allIds.length
            ? await this.rollups.uptime({
                checkIds: allIds,
                from: new Date(now.getTime() - ms),
                to: now,
              })
            : { perCheck: [] };
          return [name, report.perCheck] as const;
        }),
      ),
    );
    const percent = (range: keyof typeof RANGES, serviceId: string): number | null => {
      const mine = new Set(uptimeChecks.get(serviceId));
      let ok = 0;
      let judged = 0;
      for (const c of uptime[range]) {
        if (!mine.has(c.checkId)) continue;
        ok += c.up + c.degraded;
        judged += c.up + c.degraded + c.down + c.unreachable;
      }
      return judged === 0 ? null : Math.round((ok / judged) * 10_000) / 100;
    };
    return {
      ...base,
      services: unique.map((s) => ({
        name: s.name,
        hostname: s.hostname,
        kind: s.kind,
        state: publicState(checks.filter((c) => c.object_id === s.id)) as PublicState,
        uptime: { '24h': percent('24h', s.id), '30d': percent('30d', s.id) },
      })),
    };
  }
}
