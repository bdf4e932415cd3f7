import type { DataSource } from 'typeorm';
import { NotFoundError } from '../../common/errors';
import { currentScope } from '../../common/request-context';
import { foldForSearch, likePattern } from '../../common/search-text';
import { unitSubtreeSql } from '../../inventory/crud/unit-subtree';
import { readLatestObservations } from '../../reports/compliance/report-data';
import {
  CATEGORIES,
  CATEGORY_KIND,
  Category,
  detailsOf,
  enclosingNames,
  ReasonOut,
  reasonsOf,
  SCORECARD_KINDS,
  ScorecardDetails,
  Verdict,
  verdictOf,
  worstState,
} from './scorecard-summary';

interface CheckRow {
  id: string;
  key: string;
  kind: string;
  service_id: string;
  domain: string;
  service_kind: string;
  service_name: string;
  state: string;
  since: Date | null;
  last_result_at: Date | null;
  last_reasons: unknown;
}

export interface ScorecardCheck {
  id: string;
  key: string;
  kind: string;
  serviceId: string;
  serviceName: string;
  serviceKind: string;
  /** The domain the check is about (the enclosing zone's, for inherited name servers). */
  domain: string;
  state: string;
  since: Date | null;
  lastResultAt: Date | null;
  reasons: ReasonOut[];
  /** Detail only: when the observations below were made, and what they say. */
  observedAt?: Date | null;
  details?: ScorecardDetails | null;
}

export interface CategoryCard {
  verdict: Verdict;
  /** The worst state of the category's checks; null: no check. */
  state: string | null;
  /** Name servers belong to the zone: a host without its own `ns-ipv6` check shows its zone's. */
  inheritedFrom: string | null;
  checks: ScorecardCheck[];
}

/** The raw results kept (30 days by default): older observations are not looked for. */
const OBSERVATION_WINDOW_MS = 31 * 86_400_000;
const DOMAIN = /^[a-z0-9_]([a-z0-9_-]{0,62}\.)*[a-z0-9_-]{0,63}\.?$/i;

const present = (r: CheckRow): ScorecardCheck => ({
  id: r.id,
  key: r.key,
  kind: r.kind,
  serviceId: r.service_id,
  serviceName: r.service_name,
  serviceKind: r.service_kind,
  domain: r.domain,
  state: r.state,
  since: r.since,
  lastResultAt: r.last_result_at,
  reasons: reasonsOf(r.last_reasons),
});

/**
 * Domains (a service's host name, lower case) with their four internet.nl-style verdicts, from
 * the checks of kind ipv6-web, ipv6-mail, ns-ipv6 and dnssec of the active services on that
 * name. Every query is bounded by the page (or the one domain) and honours the caller's scope.
 */
export class ScorecardQuery {
  constructor(private readonly dataSource: DataSource) {}

  async list(q: { search?: string; unitId?: string; limit: number; offset: number }) {
    const params: unknown[] = [[...SCORECARD_KINDS]];
    const where = [
      `s.status = 'active'`,
      `EXISTS (SELECT 1 FROM checks c WHERE c.object_type = 'service' AND c.object_id = s.id
        AND c.enabled AND c.kind = ANY($1))`,
    ];
    const search = q.search ? foldForSearch(q.search) : '';
    if (search) {
      params.push(likePattern(search));
      where.push(
        `(lower(s.hostname) LIKE $${params.length} OR s.search_text LIKE $${params.length})`,
      );
    }
    if (q.unitId) {
      params.push(q.unitId);
      where.push(`s.unit_id IN ${unitSubtreeSql(`$${params.length}`)}`);
    }
    this.scope(params, where);
    const from = `FROM services s WHERE ${where.join(' AND ')}`;
    const [{ total }]: { total: string }[] = await this.dataSource.query(
      `SELECT count(DISTINCT lower(s.hostname)) AS total ${from}`,
      params,
    );
    const domains: { domain: string }[] = await this.dataSource.query(
      `SELECT DISTINCT lower(s.hostname) AS domain ${from} ORDER BY 1 LIMIT ${q.limit} OFFSET ${q.offset}`,
      params,
    );
    const names = domains.map((d) => d.domain);
    const cards = await this.cards(names);
    return {
      items: names.map((domain) => {
        const card = cards.get(domain)!;
        return {
          domain,
          services: card.services,
          categories: Object.fromEntries(
            CATEGORIES.map((c) => {
              const cat = card.categories[c];
              // The list shows the verdict and why, not every check's details.
              const worst = cat.checks.find((x) => x.state === cat.state);
              return [
                c,
                {
                  verdict: cat.verdict,
                  state: cat.state,
                  inheritedFrom: cat.inheritedFrom,
                  reasons: worst?.reasons.slice(0, 3) ?? [],
                },
              ];
            }),
          ),
        };
      }),
      total: Number(total),
      limit: q.limit,
      offset: q.offset,
    };
  }

  async get(domainText: string, now = new Date()) {
    const domain = domainText.toLowerCase().replace(/\.$/, '');
    if (!domain || domain.length > 253 || !DOMAIN.test(domain))
      throw new NotFoundError(`domain ${domainText} not found`);
    const params: unknown[] = [domain];
    const where = [`s.status = 'active'`, `lower(s.hostname) = $1`];
    this.scope(params, where);
    const services: {
      id: string;
      kind: string;
      name: string;
      unit_id: string | null;
      ipv6_required: boolean;
      dnssec_required: boolean;
    }[] = await this.dataSource.query(
      `SELECT s.id, s.kind, s.name, s.unit_id, s.ipv6_required, s.dnssec_required FROM services s
        WHERE ${where.join(' AND ')} ORDER BY s.kind, s.id LIMIT 50`,
      params,
    );
    if (!services.length) throw new NotFoundError(`domain ${domainText} not found`);
    const card = (await this.cards([domain])).get(domain)!;
    const checks = CATEGORIES.flatMap((c) => card.categories[c].checks);
    const latest = await readLatestObservations(
      this.dataSource,
      checks.map((c) => c.id),
      {
        from: new Date(now.getTime() - OBSERVATION_WINDOW_MS),
        to: new Date(now.getTime() + 60_000),
      },
    );
    for (const c of checks) {
      const o = latest.get(c.id);
      c.observedAt = o?.at ?? null;
      c.details = o ? detailsOf(c.kind, o.observations) : null;
    }
    return {
      domain,
      services: services.map((s) => ({
        id: s.id,
        kind: s.kind,
        name: s.name,
        unitId: s.unit_id,
        ipv6Required: s.ipv6_required,
        dnssecRequired: s.dnssec_required,
      })),
      categories: card.categories,
    };
  }

  /** The cards of the given domains: two queries whatever their number (a page at most). */
  private async cards(domains: string[]) {
    const out = new Map<
      string,
      {
        services: { id: string; kind: string; name: string }[];
        categories: Record<Category, CategoryCard>;
      }
    >();
    if (!domains.length) return out;
    const own = await this.checks(domains, [...SCORECARD_KINDS]);
    const zones = [...new Set(domains.flatMap(enclosingNames))];
    const zoneChecks = zones.length ? await this.checks(zones, ['ns-ipv6']) : [];
    for (const domain of domains) {
      const mine = own.filter((r) => r.domain === domain);
      const services = new Map<string, { id: string; kind: string; name: string }>();
      for (const r of mine)
        services.set(r.service_id, {
          id: r.service_id,
          kind: r.service_kind,
          name: r.service_name,
        });
      const categories = {} as Record<Category, CategoryCard>;
      for (const c of CATEGORIES) {
        let rows = mine.filter((r) => r.kind === CATEGORY_KIND[c]);
        let inheritedFrom: string | null = null;
        if (!rows.length && c === 'ipv6NameServers') {
          // The closest enclosing zone with a name-server check (enclosingNames: nearest first).
          const zone = enclosingNames(domain).find((z) => zoneChecks.some((r) => r.domain === z));
          if (zone) {
            rows = zoneChecks.filter((r) => r.domain === zone);
            inheritedFrom = zone;
          }
        }
        const state = worstState(rows.map((r) => r.state));
        categories[c] = {
          verdict: verdictOf(state),
          state,
          inheritedFrom,
          checks: rows.map(present),
        };
      }
      out.set(domain, { services: [...services.values()], categories });
    }
    return out;
  }

  private async checks(domains: string[], kinds: string[]): Promise<CheckRow[]> {
    const params: unknown[] = [domains, kinds];
    const where = [
      `s.status = 'active'`,
      `lower(s.hostname) = ANY($1)`,
      `c.enabled`,
      `c.kind = ANY($2)`,
    ];
    this.scope(params, where);
    return this.dataSource.query(
      `SELECT c.id, c.key, c.kind, s.id AS service_id, lower(s.hostname) AS domain,
              s.kind AS service_kind, s.name AS service_name, COALESCE(st.state, 'unknown') AS state,
              st.since, st.last_result_at, st.last_reasons
         FROM services s
         JOIN checks c ON c.object_type = 'service' AND c.object_id = s.id
         LEFT JOIN check_states st ON st.check_id = c.id
        WHERE ${where.join(' AND ')}
        ORDER BY lower(s.hostname), c.kind, c.key`,
      params,
    );
  }

  /** A unit-scoped caller sees only the services of its subtree (the zone's too). */
  private scope(params: unknown[], where: string[]): void {
    const scope = currentScope();
    if (!scope) return;
    params.push(scope);
    where.push(`s.unit_id IN ${unitSubtreeSql(`$${params.length}`)}`);
  }
}
