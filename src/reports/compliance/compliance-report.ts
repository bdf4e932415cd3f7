import { NotFoundError } from '../../common/errors';
import { INCIDENT_CATEGORIES, IncidentCategory } from '../../incidents/incident-lifecycle';
import { Period, previousPeriod } from './period';
import {
  CheckFigures,
  LatestObservation,
  NO_FIGURES,
  Queryable,
  readCheckFigures,
  readLatestObservations,
  readTrendFigures,
} from './report-data';
import { ComplianceRules, Criticality, DnssecState } from './rules';

/**
 * The compliance report (issue 7): IPv6, DNSSEC, availability, incidents and a scorecard per
 * unit, for a period [from, to) and a unit subtree. Reads the rollups, `check_states`,
 * `incidents` and the inventory; of the raw results only the latest row per ipv6-* and dnssec
 * check (see readLatestObservations). Every figure is defined in src/reports/README.md.
 *
 * Deterministic: the same database and inputs give the same object, field for field (every
 * list has a total order, sums are exact, figures are rounded to 2 decimals at the end).
 */

export interface ComplianceReportInput {
  from: Date;
  /** Exclusive. */
  to: Date;
  /** Root of the subtree; null: the whole province (every unit). */
  unitId: string | null;
  generatedAt: Date;
  rules: ComplianceRules;
}

export type Ipv6Family = 'web' | 'mail' | 'dns';
export const IPV6_FAMILIES: readonly Ipv6Family[] = ['web', 'mail', 'dns'];
const IPV6_KIND: Record<string, Ipv6Family> = {
  'ipv6-web': 'web',
  'ipv6-mail': 'mail',
  'ns-ipv6': 'dns',
};
const AVAILABILITY_KINDS = ['http', 'tcp', 'icmp'];
/** Reasons (check_states.last_reasons) that say no AAAA is published. */
const NO_AAAA_REASONS = ['no_aaaa', 'mx_without_aaaa', 'ns_no_ipv6'];

interface UnitRow {
  id: string;
  code: string;
  name: string;
  name_en: string | null;
  parent_id: string | null;
}
interface ServiceRow {
  id: string;
  kind: string;
  hostname: string;
  name: string;
  unit_id: string;
  criticality: Criticality;
  ipv6_required: boolean;
  dnssec_required: boolean;
}
interface CircuitRow {
  id: string;
  cid: string;
  provider: string;
  type: string;
  unit_id: string | null;
  sla_target_percent: string | null;
}
interface CheckRow {
  id: string;
  key: string;
  kind: string;
  family: number | null;
  object_type: 'service' | 'circuit';
  object_id: string;
  origin: string;
  state: string | null;
  last_result_at: Date | null;
  last_reasons: { code?: string }[] | null;
}
interface IncidentRow {
  id: string;
  number: number;
  title: string;
  severity: number;
  category: IncidentCategory;
  status: string;
  unit_id: string | null;
  opened_at: Date;
  acknowledged_at: Date | null;
  resolved_at: Date | null;
}

/** Rounds to 2 decimals (null stays null); -0 becomes 0. */
export function r2(v: number | null): number | null {
  if (v === null || !Number.isFinite(v)) return null;
  const r = Math.round(v * 100) / 100;
  return r === 0 ? 0 : r;
}
const pct = (part: number, whole: number): number | null =>
  whole === 0 ? null : r2((part / whole) * 100);
/** Plain code-point order: locale-independent, so the same everywhere. */
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

function at(value: unknown, ...path: string[]): unknown {
  let v = value;
  for (const key of path) {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

const groups = new WeakMap<object, Map<string | null, unknown[]>>();
/** The items of `list` whose unit is `unitId` (grouped once per list: O(n), not O(units × n)). */
function ofUnit<T extends { unitId: string | null } | { unit_id: string | null }>(
  list: readonly T[],
  unitId: string,
): T[] {
  let g = groups.get(list) as Map<string | null, T[]> | undefined;
  if (!g) {
    g = new Map();
    for (const x of list) {
      const k = 'unitId' in x ? x.unitId : x.unit_id;
      const l = g.get(k) ?? [];
      l.push(x);
      g.set(k, l);
    }
    groups.set(list, g as Map<string | null, unknown[]>);
  }
  return g.get(unitId) ?? [];
}

function within(t: Date | null, p: Period): boolean {
  return !!t && new Date(t) >= p.from && new Date(t) < p.to;
}

/** Scope, inventory and checks: the same for the period and the previous one. */
interface Scope {
  root: UnitRow | null;
  /** Units of the subtree in tree order (pre-order, children by code). */
  units: (UnitRow & { depth: number })[];
  unitById: Map<string, UnitRow>;
  children: Map<string | null, UnitRow[]>;
  services: ServiceRow[];
  circuits: CircuitRow[];
  checks: CheckRow[];
  /** Checks by `${object_type}:${object_id}`, in `checks` order. */
  checksOf: Map<string, CheckRow[]>;
}

async function loadScope(db: Queryable, unitId: string | null): Promise<Scope> {
  const all: UnitRow[] = await db.query(
    `SELECT id::text AS id, code, name, name_en, parent_id::text AS parent_id FROM units`,
  );
  all.sort((a, b) => cmp(a.code, b.code) || cmp(a.id, b.id));
  const unitById = new Map(all.map((u) => [u.id, u]));
  const children = new Map<string | null, UnitRow[]>();
  for (const u of all) {
    const parent = u.parent_id && unitById.has(u.parent_id) ? u.parent_id : null;
    const list = children.get(parent) ?? [];
    list.push(u);
    children.set(parent, list);
  }
  let root: UnitRow | null = null;
  if (unitId !== null) {
    root = unitById.get(unitId.toLowerCase()) ?? null;
    if (!root) throw new NotFoundError(`unit ${unitId} not found`);
  }
  const units: (UnitRow & { depth: number })[] = [];
  const visit = (u: UnitRow, depth: number) => {
    units.push({ ...u, depth });
    for (const c of children.get(u.id) ?? []) visit(c, depth + 1);
  };
  for (const top of root ? [root] : (children.get(null) ?? [])) visit(top, 0);
  const ids = units.map((u) => u.id);

  const services: ServiceRow[] = await db.query(
    `SELECT id::text AS id, kind, hostname, name, unit_id::text AS unit_id, criticality,
            ipv6_required, dnssec_required
       FROM services WHERE status = 'active' AND unit_id = ANY($1::uuid[])`,
    [ids],
  );
  services.sort((a, b) => cmp(a.hostname, b.hostname) || cmp(a.kind, b.kind));
  const circuits: CircuitRow[] = await db.query(
    `SELECT id::text AS id, cid, provider, type, unit_id::text AS unit_id,
            sla_target_percent::text AS sla_target_percent
       FROM circuits WHERE status = 'active' AND (unit_id = ANY($1::uuid[]) OR ($2 AND unit_id IS NULL))`,
    [ids, root === null],
  );
  circuits.sort((a, b) => cmp(a.provider, b.provider) || cmp(a.cid, b.cid));
  const checks: CheckRow[] = await db.query(
    `SELECT c.id::text AS id, c.key, c.kind, c.family, c.object_type, c.object_id::text AS object_id,
            c.origin, s.state, s.last_result_at, s.last_reasons
       FROM checks c LEFT JOIN check_states s ON s.check_id = c.id
      WHERE (c.object_type = 'service' AND c.object_id = ANY($1::uuid[])
             AND c.kind IN ('ipv6-web','ipv6-mail','ns-ipv6','dnssec','http','tcp','icmp'))
         OR (c.object_type = 'circuit' AND c.object_id = ANY($2::uuid[]))`,
    [services.map((s) => s.id), circuits.map((c) => c.id)],
  );
  // Default checks before custom ones, then by key: "the" check of a kind is the first.
  checks.sort((a, b) => cmp(a.origin, b.origin) || cmp(a.key, b.key));
  const checksOf = new Map<string, CheckRow[]>();
  for (const c of checks) {
    const k = `${c.object_type}:${c.object_id}`;
    const list = checksOf.get(k) ?? [];
    list.push(c);
    checksOf.set(k, list);
  }
  return { root, units, unitById, children, services, circuits, checks, checksOf };
}

/** One (service, IPv6 family) pair. */
export interface Ipv6Item {
  serviceId: string;
  hostname: string;
  serviceKind: string;
  unitId: string;
  unitCode: string;
  ipv6Required: boolean;
  family: Ipv6Family;
  checkId: string;
  /** An AAAA is published (for mail: every MX; for dns: at least one NS). null: unknown. */
  assigned: boolean | null;
  assignedSource: 'observation' | 'rollups' | 'state' | null;
  /** Share of judged results up or degraded, %. */
  operationalPercent: number | null;
  judgedResults: number;
  /** assigned (not false) and operationalPercent ≥ the threshold. */
  operational: boolean;
}

export interface GridCell {
  services: number;
  assigned: number;
  operational: number;
  assignedPercent: number | null;
  operationalPercent: number | null;
}

export interface DnssecZone {
  serviceId: string;
  hostname: string;
  serviceKind: string;
  unitId: string;
  unitCode: string;
  dnssecRequired: boolean;
  checkId: string;
  /** Validation state at the end of the period (latest observation, else the check state). */
  validation: Exclude<DnssecState, 'unknown'> | null;
  validationSource: 'observation' | 'state' | null;
  /** secure or bogus: signatures exist. null: unknown. */
  signed: boolean | null;
  /** secure. null: unknown. */
  validating: boolean | null;
  /** Share of judged dnssec results up or degraded over the period, %. */
  validPercent: number | null;
  /** Minutes the check was down (bogus, or unsigned while required) over the period. */
  downMinutes: number;
  observedAt: string | null;
  algorithms: string[];
  warnings: string[];
  deprecatedDigest: boolean | null;
  nsec3Warnings: string[];
  earliestExpiry: string | null;
  daysToExpiry: number | null;
  expiringSoon: boolean;
}

interface PeriodSections {
  /** The per-check figures the sections were computed from (the trend reuses them). */
  figures: Map<string, CheckFigures>;
  ipv6Items: Ipv6Item[];
  zones: DnssecZone[];
  availabilityServices: ReturnType<typeof availabilityOf>['services'];
  circuits: ReturnType<typeof availabilityOf>['circuits'];
  incidents: IncidentRow[];
}

function ipv6Of(
  scope: Scope,
  figures: Map<string, CheckFigures>,
  latest: Map<string, LatestObservation>,
  p: Period,
  rules: ComplianceRules,
): Ipv6Item[] {
  const items: Ipv6Item[] = [];
  for (const s of scope.services) {
    for (const family of IPV6_FAMILIES) {
      const check = (scope.checksOf.get(`service:${s.id}`) ?? []).find(
        (c) => IPV6_KIND[c.kind] === family,
      );
      if (!check) continue;
      const f = figures.get(check.id) ?? NO_FIGURES;
      const obs = latest.get(check.id)?.observations;
      let assigned: boolean | null = null;
      let source: Ipv6Item['assignedSource'] = null;
      const grid = at(obs, 'grid', 'assigned');
      const nsWithV6 = at(obs, 'ipv6', 'nameServersWithIpv6');
      if (family !== 'dns' && typeof grid === 'boolean') {
        assigned = grid;
        source = 'observation';
      } else if (family !== 'dns' && grid === null && at(obs, 'grid') !== undefined) {
        // The question does not apply (a domain that accepts no mail): not counted at all.
        continue;
      } else if (family === 'dns' && typeof nsWithV6 === 'number') {
        assigned = nsWithV6 >= 1;
        source = 'observation';
      } else if (f.up + f.degraded > 0) {
        assigned = true; // an up or degraded IPv6 verdict needs a published AAAA
        source = 'rollups';
      } else if (
        within(check.last_result_at, p) &&
        (check.last_reasons ?? []).some((r) => NO_AAAA_REASONS.includes(r.code ?? ''))
      ) {
        assigned = false;
        source = 'state';
      }
      const unit = scope.unitById.get(s.unit_id)!;
      items.push({
        serviceId: s.id,
        hostname: s.hostname,
        serviceKind: s.kind,
        unitId: s.unit_id,
        unitCode: unit.code,
        ipv6Required: s.ipv6_required,
        family,
        checkId: check.id,
        assigned,
        assignedSource: source,
        operationalPercent: f.uptimePercent,
        judgedResults: f.judged,
        operational:
          assigned !== false &&
          f.uptimePercent !== null &&
          f.uptimePercent >= rules.ipv6.operationalThresholdPercent,
      });
    }
  }
  return items;
}

const DNSSEC_STATUSES = ['secure', 'insecure', 'bogus', 'indeterminate'] as const;

function dnssecOf(
  scope: Scope,
  figures: Map<string, CheckFigures>,
  latest: Map<string, LatestObservation>,
  p: Period,
  rules: ComplianceRules,
): DnssecZone[] {
  const zones: DnssecZone[] = [];
  for (const s of scope.services) {
    const check = (scope.checksOf.get(`service:${s.id}`) ?? []).find((c) => c.kind === 'dnssec');
    if (!check) continue;
    const f = figures.get(check.id) ?? NO_FIGURES;
    const last = latest.get(check.id);
    const obs = last?.observations;
    const status = at(obs, 'status');
    let validation: DnssecZone['validation'] = null;
    let source: DnssecZone['validationSource'] = null;
    if (typeof status === 'string' && (DNSSEC_STATUSES as readonly string[]).includes(status)) {
      validation = status as DnssecZone['validation'];
      source = 'observation';
    } else if (within(check.last_result_at, p) && check.state) {
      const codes = (check.last_reasons ?? []).map((r) => r.code ?? '');
      source = 'state';
      if (codes.includes('dnssec_bogus')) validation = 'bogus';
      else if (codes.includes('dnssec_insecure') || codes.includes('dnssec_required'))
        validation = 'insecure';
      else if (codes.includes('dnssec_indeterminate')) validation = 'indeterminate';
      else if (check.state === 'up' || check.state === 'degraded') validation = 'secure';
      else source = null;
    }
    const levels = at(obs, 'levels');
    const zoneLevel = Array.isArray(levels) && levels.length ? levels[levels.length - 1] : null;
    const algorithms = at(zoneLevel, 'algorithms');
    const warningsRaw = at(obs, 'warnings');
    const warnings = Array.isArray(warningsRaw)
      ? warningsRaw.filter((w): w is string => typeof w === 'string').sort(cmp)
      : [];
    const expiry = at(obs, 'earliestExpiry');
    const days = at(obs, 'daysToExpiry');
    const daysToExpiry = typeof days === 'number' ? days : null;
    const unit = scope.unitById.get(s.unit_id)!;
    zones.push({
      serviceId: s.id,
      hostname: s.hostname,
      serviceKind: s.kind,
      unitId: s.unit_id,
      unitCode: unit.code,
      dnssecRequired: s.dnssec_required,
      checkId: check.id,
      validation,
      validationSource: source,
      signed: validation === null ? null : validation === 'secure' || validation === 'bogus',
      validating: validation === null ? null : validation === 'secure',
      validPercent: r2(f.uptimePercent),
      downMinutes: r2(f.downtimeMinutes) ?? 0,
      observedAt: last ? last.at.toISOString() : null,
      algorithms: Array.isArray(algorithms)
        ? algorithms.filter((a): a is string => typeof a === 'string').sort(cmp)
        : [],
      warnings,
      deprecatedDigest: source === 'observation' ? warnings.includes('deprecated-digest') : null,
      nsec3Warnings: warnings.filter((w) => w.startsWith('nsec3')),
      earliestExpiry: typeof expiry === 'string' ? expiry : null,
      daysToExpiry,
      expiringSoon:
        validation === 'secure' &&
        daysToExpiry !== null &&
        daysToExpiry < rules.dnssec.expiryWarningDays,
    });
  }
  return zones;
}

/** The worst of a set of checks: lowest uptime, largest downtime. */
function worst(figs: CheckFigures[]) {
  const judged = figs.filter((f) => f.uptimePercent !== null);
  return {
    uptimePercent: judged.length ? Math.min(...judged.map((f) => f.uptimePercent!)) : null,
    downtimeMinutes: figs.length ? Math.max(...figs.map((f) => f.downtimeMinutes)) : 0,
    observedMinutes: figs.length ? Math.max(...figs.map((f) => f.observedMinutes)) : 0,
  };
}

function availabilityOf(scope: Scope, figures: Map<string, CheckFigures>, rules: ComplianceRules) {
  const services = scope.services
    .map((s) => {
      const checks = (scope.checksOf.get(`service:${s.id}`) ?? []).filter((c) =>
        AVAILABILITY_KINDS.includes(c.kind),
      );
      if (!checks.length) return null;
      const w = worst(checks.map((c) => figures.get(c.id) ?? NO_FIGURES));
      const target = rules.availability.targets[s.criticality];
      return {
        serviceId: s.id,
        hostname: s.hostname,
        serviceKind: s.kind,
        unitId: s.unit_id,
        unitCode: scope.unitById.get(s.unit_id)!.code,
        criticality: s.criticality,
        checks: checks.length,
        targetPercent: target,
        uptimePercent: w.uptimePercent,
        downtimeMinutes: w.downtimeMinutes,
        observedMinutes: w.observedMinutes,
        meetsTarget: w.uptimePercent === null ? null : w.uptimePercent >= target,
      };
    })
    .filter((x) => x !== null);
  const circuits = scope.circuits.map((c) => {
    const checks = scope.checksOf.get(`circuit:${c.id}`) ?? [];
    const w = worst(checks.map((k) => figures.get(k.id) ?? NO_FIGURES));
    const sla = c.sla_target_percent === null ? null : Number(c.sla_target_percent);
    return {
      circuitId: c.id,
      cid: c.cid,
      provider: c.provider,
      type: c.type,
      unitId: c.unit_id,
      unitCode: c.unit_id ? (scope.unitById.get(c.unit_id)?.code ?? null) : null,
      checks: checks.length,
      slaTargetPercent: sla,
      uptimePercent: w.uptimePercent,
      downtimeMinutes: w.downtimeMinutes,
      observedMinutes: w.observedMinutes,
      meetsSla: sla === null || w.uptimePercent === null ? null : w.uptimePercent >= sla,
    };
  });
  return { services, circuits };
}

async function loadIncidents(db: Queryable, scope: Scope, p: Period): Promise<IncidentRow[]> {
  const rows: IncidentRow[] = await db.query(
    `SELECT id::text AS id, number, title, severity, category, status, unit_id::text AS unit_id,
            opened_at, acknowledged_at, resolved_at
       FROM incidents
      WHERE opened_at >= $1 AND opened_at < $2
        AND (unit_id = ANY($3::uuid[]) OR ($4 AND unit_id IS NULL))`,
    [p.from.toISOString(), p.to.toISOString(), scope.units.map((u) => u.id), scope.root === null],
  );
  return rows
    .map((r) => ({ ...r, number: Number(r.number), severity: Number(r.severity) }))
    .sort((a, b) => a.number - b.number);
}

async function sectionsFor(
  db: Queryable,
  scope: Scope,
  p: Period,
  rules: ComplianceRules,
): Promise<PeriodSections> {
  const figures = await readCheckFigures(
    db,
    scope.checks.map((c) => c.id),
    p,
  );
  const latest = await readLatestObservations(
    db,
    scope.checks.filter((c) => c.kind in IPV6_KIND || c.kind === 'dnssec').map((c) => c.id),
    p,
  );
  const { services, circuits } = availabilityOf(scope, figures, rules);
  return {
    figures,
    ipv6Items: ipv6Of(scope, figures, latest, p, rules),
    zones: dnssecOf(scope, figures, latest, p, rules),
    availabilityServices: services,
    circuits,
    incidents: await loadIncidents(db, scope, p),
  };
}

function cell(items: Ipv6Item[]): GridCell {
  const assigned = items.filter((i) => i.assigned === true).length;
  const operational = items.filter((i) => i.operational).length;
  return {
    services: items.length,
    assigned,
    operational,
    assignedPercent: pct(assigned, items.length),
    operationalPercent: pct(operational, items.length),
  };
}

function gridRow(items: Ipv6Item[]) {
  return {
    web: cell(items.filter((i) => i.family === 'web')),
    mail: cell(items.filter((i) => i.family === 'mail')),
    dns: cell(items.filter((i) => i.family === 'dns')),
    all: cell(items),
  };
}

const change = (now: number | null, before: number | null): number | null =>
  now === null || before === null ? null : r2(now - before);

function durations(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return {
    count: values.length,
    averageSeconds: values.length ? r2(values.reduce((a, b) => a + b, 0) / values.length) : null,
    medianSeconds: !values.length
      ? null
      : r2(sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2),
  };
}

/** Per unit (own services): component scores 0-100 and the unit score, unrounded. */
function scoresOf(scope: Scope, s: PeriodSections, rules: ComplianceRules) {
  const out = new Map<
    string,
    {
      services: number;
      components: Record<'ipv6' | 'dnssec' | 'availability' | 'incidents', number | null>;
      score: number | null;
    }
  >();
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
  for (const u of scope.units) {
    const services = ofUnit(scope.services, u.id).length;
    const ipv6 = mean(
      ofUnit(s.ipv6Items, u.id)
        .filter((i) => !rules.ipv6.onlyRequired || i.ipv6Required)
        .map(
          (i) =>
            (i.assigned === true ? rules.ipv6.assignedPoints : 0) +
            (i.operational ? 100 - rules.ipv6.assignedPoints : 0),
        ),
    );
    const dnssec = mean(
      ofUnit(s.zones, u.id)
        .filter((z) => !rules.dnssec.onlyRequired || z.dnssecRequired)
        .map((z) => {
          const points = rules.dnssec.points[z.validation ?? 'unknown'];
          return z.expiringSoon ? Math.min(points, rules.dnssec.expiringPoints) : points;
        }),
    );
    const availability = mean(
      ofUnit(s.availabilityServices, u.id)
        .filter((a) => a.uptimePercent !== null)
        .map((a) =>
          Math.max(
            0,
            Math.min(
              100,
              100 -
                Math.max(0, a.targetPercent - a.uptimePercent!) *
                  rules.availability.pointsPerPercentBelow,
            ),
          ),
        ),
    );
    const penalty = ofUnit(s.incidents, u.id).reduce(
      (sum, i) => sum + rules.incidents.penalties[String(i.severity) as '1' | '2' | '3' | '4'],
      0,
    );
    // Incidents alone do not make a score: a unit none of whose services was measured in the
    // period is not scored (null), rather than a perfect 100 for having no incidents.
    const measured = ipv6 !== null || dnssec !== null || availability !== null;
    const incidents = services > 0 && measured ? Math.max(0, 100 - penalty) : null;
    const components = { ipv6, dnssec, availability, incidents };
    let weighted = 0;
    let weights = 0;
    for (const [k, v] of Object.entries(components) as [keyof typeof components, number | null][]) {
      if (v === null) continue;
      weighted += v * rules.weights[k];
      weights += rules.weights[k];
    }
    out.set(u.id, { services, components, score: weights > 0 ? weighted / weights : null });
  }
  // Subtree: own scores weighted by own active services.
  const subtree = new Map<string, { services: number; score: number | null }>();
  const visit = (id: string): { n: number; sum: number; services: number } => {
    const own = out.get(id)!;
    let n = own.score !== null ? own.services : 0;
    let sum = own.score !== null ? own.score * own.services : 0;
    let services = own.services;
    for (const c of scope.children.get(id) ?? []) {
      const r = visit(c.id);
      n += r.n;
      sum += r.sum;
      services += r.services;
    }
    subtree.set(id, { services, score: n > 0 ? sum / n : null });
    return { n, sum, services };
  };
  for (const top of scope.root ? [scope.root] : (scope.children.get(null) ?? [])) visit(top.id);
  return { own: out, subtree };
}

/** Number of periods in the trend: the report's period and the five before it. */
export const TREND_PERIODS = 6;

/**
 * The trend (src/reports/README.md, "Trend"): TREND_PERIODS consecutive periods of the report's
 * length ending with the report's period. Per period, from the rollups only: the mean uptime of
 * the availability services with data (each the worst of its http/tcp/icmp checks, as
 * `availability.summary.meanUptimePercent`) and the share of the report's IPv6 items whose check
 * was up or degraded for at least the operational threshold. The report's period and the
 * previous one reuse the figures already read; the older ones come from one grouped query.
 */
async function trendOf(
  db: Queryable,
  scope: Scope,
  period: Period,
  now: PeriodSections,
  before: PeriodSections,
  rules: ComplianceRules,
) {
  const len = period.to.getTime() - period.from.getTime();
  const older = TREND_PERIODS - 2;
  const start = new Date(period.from.getTime() - (older + 1) * len);
  const availabilityChecks = new Map(
    now.availabilityServices.map((a) => [
      a.serviceId,
      (scope.checksOf.get(`service:${a.serviceId}`) ?? [])
        .filter((c) => AVAILABILITY_KINDS.includes(c.kind))
        .map((c) => c.id),
    ]),
  );
  const ids = new Set<string>(now.ipv6Items.map((i) => i.checkId));
  for (const list of availabilityChecks.values()) for (const id of list) ids.add(id);
  const old = await readTrendFigures(db, [...ids], start, len, older);
  const counts = (k: number, checkId: string): { ok: number; judged: number } => {
    if (k === TREND_PERIODS - 1 || k === TREND_PERIODS - 2) {
      const f = (k === TREND_PERIODS - 1 ? now : before).figures.get(checkId) ?? NO_FIGURES;
      return { ok: f.up + f.degraded, judged: f.judged };
    }
    const f = old.get(checkId)?.[k];
    return { ok: f?.upOrDegraded ?? 0, judged: f?.judged ?? 0 };
  };
  const uptime = (c: { ok: number; judged: number }) =>
    c.judged === 0 ? null : (c.ok / c.judged) * 100;
  const points = [];
  for (let k = 0; k < TREND_PERIODS; k++) {
    const from = new Date(start.getTime() + k * len);
    const worst: number[] = [];
    for (const checkIds of availabilityChecks.values()) {
      const values = checkIds.map((id) => uptime(counts(k, id))).filter((v) => v !== null);
      if (values.length) worst.push(Math.min(...values));
    }
    const operational = now.ipv6Items.filter((i) => {
      const u = uptime(counts(k, i.checkId));
      return u !== null && u >= rules.ipv6.operationalThresholdPercent;
    }).length;
    points.push({
      from: from.toISOString(),
      to: new Date(from.getTime() + len).toISOString(),
      availabilityPercent: worst.length
        ? r2(worst.reduce((a, b) => a + b, 0) / worst.length)
        : null,
      servicesWithData: worst.length,
      ipv6OperationalPercent: pct(operational, now.ipv6Items.length),
      ipv6Items: now.ipv6Items.length,
      ipv6Operational: operational,
    });
  }
  return { periods: TREND_PERIODS, points };
}

/** Builds the compliance report (see the file comment and src/reports/README.md). */
export async function buildComplianceReport(db: Queryable, input: ComplianceReportInput) {
  const { rules } = input;
  const period: Period = { from: input.from, to: input.to };
  const previous = previousPeriod(period);
  const scope = await loadScope(db, input.unitId);
  const now = await sectionsFor(db, scope, period, rules);
  const before = await sectionsFor(db, scope, previous, rules);
  const code = (id: string | null) => (id ? (scope.unitById.get(id)?.code ?? null) : null);

  // IPv6.
  const ipv6Items = [...now.ipv6Items].sort(
    (a, b) =>
      cmp(a.unitCode, b.unitCode) ||
      cmp(a.hostname, b.hostname) ||
      IPV6_FAMILIES.indexOf(a.family) - IPV6_FAMILIES.indexOf(b.family),
  );
  const grid = scope.units
    .map((u) => {
      const row = gridRow(ofUnit(now.ipv6Items, u.id));
      const prev = gridRow(ofUnit(before.ipv6Items, u.id));
      return {
        unitId: u.id,
        unitCode: u.code,
        unitName: u.name,
        unitNameEn: u.name_en,
        ...row,
        previousOperationalPercent: prev.all.operationalPercent,
        operationalPercentChange: change(row.all.operationalPercent, prev.all.operationalPercent),
      };
    })
    .filter((r) => r.all.services > 0);
  const total = gridRow(now.ipv6Items);
  const totalPrev = gridRow(before.ipv6Items);
  const ranking = [...grid]
    .sort(
      (a, b) =>
        (b.all.operationalPercent ?? -1) - (a.all.operationalPercent ?? -1) ||
        (b.all.assignedPercent ?? -1) - (a.all.assignedPercent ?? -1) ||
        cmp(a.unitCode, b.unitCode),
    )
    .map((r, i) => ({
      rank: i + 1,
      unitId: r.unitId,
      unitCode: r.unitCode,
      unitName: r.unitName,
      services: r.all.services,
      operationalPercent: r.all.operationalPercent,
      previousOperationalPercent: r.previousOperationalPercent,
      operationalPercentChange: r.operationalPercentChange,
    }));

  // DNSSEC.
  const zones = [...now.zones].sort(
    (a, b) => cmp(a.unitCode, b.unitCode) || cmp(a.hostname, b.hostname),
  );
  const count = (pred: (z: DnssecZone) => boolean) => zones.filter(pred).length;
  const dnssecSummary = {
    zones: zones.length,
    signed: count((z) => z.signed === true),
    validating: count((z) => z.validating === true),
    secure: count((z) => z.validation === 'secure'),
    insecure: count((z) => z.validation === 'insecure'),
    bogus: count((z) => z.validation === 'bogus'),
    indeterminate: count((z) => z.validation === 'indeterminate'),
    unknown: count((z) => z.validation === null),
    expiringSoon: count((z) => z.expiringSoon),
    signedPercent: pct(
      count((z) => z.signed === true),
      zones.length,
    ),
    validatingPercent: pct(
      count((z) => z.validating === true),
      zones.length,
    ),
    downMinutes: r2(zones.reduce((a, z) => a + z.downMinutes, 0)) ?? 0,
  };
  const dnssecPerUnit = scope.units
    .map((u) => {
      const own = ofUnit(zones, u.id);
      return {
        unitId: u.id,
        unitCode: u.code,
        unitName: u.name,
        zones: own.length,
        signed: own.filter((z) => z.signed === true).length,
        validating: own.filter((z) => z.validating === true).length,
        bogus: own.filter((z) => z.validation === 'bogus').length,
        downMinutes: r2(own.reduce((a, z) => a + z.downMinutes, 0)) ?? 0,
      };
    })
    .filter((r) => r.zones > 0);

  // Availability.
  const availabilityServices = [...now.availabilityServices]
    .sort((a, b) => cmp(a.unitCode, b.unitCode) || cmp(a.hostname, b.hostname))
    .map((a) => ({
      ...a,
      uptimePercent: r2(a.uptimePercent),
      downtimeMinutes: r2(a.downtimeMinutes) ?? 0,
      observedMinutes: r2(a.observedMinutes) ?? 0,
    }));
  const circuits = now.circuits.map((c) => ({
    ...c,
    uptimePercent: r2(c.uptimePercent),
    downtimeMinutes: r2(c.downtimeMinutes) ?? 0,
    observedMinutes: r2(c.observedMinutes) ?? 0,
  }));
  const providers = [...new Set(now.circuits.map((c) => c.provider))].sort(cmp).map((provider) => {
    const own = now.circuits.filter((c) => c.provider === provider);
    const withData = own.filter((c) => c.uptimePercent !== null);
    return {
      provider,
      circuits: own.length,
      withData: withData.length,
      withSlaTarget: own.filter((c) => c.slaTargetPercent !== null).length,
      meetingSla: own.filter((c) => c.meetsSla === true).length,
      breachingSla: own.filter((c) => c.meetsSla === false).length,
      slaTargetsPercent: [
        ...new Set(own.map((c) => c.slaTargetPercent).filter((x) => x !== null)),
      ].sort((a, b) => a - b),
      meanUptimePercent: withData.length
        ? r2(withData.reduce((a, c) => a + c.uptimePercent!, 0) / withData.length)
        : null,
      minUptimePercent: withData.length
        ? r2(Math.min(...withData.map((c) => c.uptimePercent!)))
        : null,
      downtimeMinutes: r2(own.reduce((a, c) => a + c.downtimeMinutes, 0)) ?? 0,
    };
  });
  const withData = now.availabilityServices.filter((a) => a.uptimePercent !== null);
  const availabilitySummary = {
    services: now.availabilityServices.length,
    servicesWithData: withData.length,
    servicesMeetingTarget: withData.filter((a) => a.meetsTarget).length,
    meanUptimePercent: withData.length
      ? r2(withData.reduce((a, s) => a + s.uptimePercent!, 0) / withData.length)
      : null,
    downtimeMinutes: r2(now.availabilityServices.reduce((a, s) => a + s.downtimeMinutes, 0)) ?? 0,
    circuits: now.circuits.length,
    circuitsMeetingSla: now.circuits.filter((c) => c.meetsSla === true).length,
    circuitsBreachingSla: now.circuits.filter((c) => c.meetsSla === false).length,
  };

  // Incidents (opened in the period; acknowledgements and resolutions up to generatedAt).
  const cutoff = input.generatedAt.getTime();
  const seconds = (a: Date, b: Date | null) =>
    b && new Date(b).getTime() <= cutoff
      ? (new Date(b).getTime() - new Date(a).getTime()) / 1000
      : null;
  const inc = now.incidents;
  const bySeverity = { '1': 0, '2': 0, '3': 0, '4': 0 };
  for (const i of inc) bySeverity[String(i.severity) as keyof typeof bySeverity] += 1;
  const byCategory = Object.fromEntries(
    INCIDENT_CATEGORIES.map((c) => [c, inc.filter((i) => i.category === c).length]),
  ) as Record<IncidentCategory, number>;
  const unitCounts = new Map<string | null, number>();
  for (const i of inc) unitCounts.set(i.unit_id, (unitCounts.get(i.unit_id) ?? 0) + 1);
  const byUnit = [...unitCounts.entries()]
    .map(([unitId, n]) => ({ unitId, unitCode: code(unitId), incidents: n }))
    .sort((a, b) =>
      a.unitCode === null ? 1 : b.unitCode === null ? -1 : cmp(a.unitCode, b.unitCode),
    );
  const longest = inc
    .map((i) => {
      const resolved = seconds(i.opened_at, i.resolved_at);
      return {
        number: i.number,
        title: i.title,
        severity: i.severity,
        category: i.category,
        status: i.status,
        unitId: i.unit_id,
        unitCode: code(i.unit_id),
        openedAt: iso(i.opened_at),
        acknowledgedAt:
          seconds(i.opened_at, i.acknowledged_at) === null ? null : iso(i.acknowledged_at),
        resolvedAt: resolved === null ? null : iso(i.resolved_at),
        ongoing: resolved === null,
        durationSeconds: resolved ?? Math.max(0, (cutoff - new Date(i.opened_at).getTime()) / 1000),
      };
    })
    .sort((a, b) => b.durationSeconds - a.durationSeconds || a.number - b.number)
    .slice(0, 10);
  const incidents = {
    total: inc.length,
    bySeverity,
    byCategory,
    byUnit,
    mtta: durations(
      inc.map((i) => seconds(i.opened_at, i.acknowledged_at)).filter((x) => x !== null),
    ),
    mttr: durations(inc.map((i) => seconds(i.opened_at, i.resolved_at)).filter((x) => x !== null)),
    previousTotal: before.incidents.length,
    longest,
  };

  // Scorecard.
  const sNow = scoresOf(scope, now, rules);
  const sBefore = scoresOf(scope, before, rules);
  const scorecard = {
    weights: rules.weights,
    units: scope.units.map((u) => {
      const own = sNow.own.get(u.id)!;
      const sub = sNow.subtree.get(u.id)!;
      const prevOwn = sBefore.own.get(u.id)!;
      const prevSub = sBefore.subtree.get(u.id)!;
      return {
        unitId: u.id,
        unitCode: u.code,
        unitName: u.name,
        unitNameEn: u.name_en,
        parentId: u.parent_id,
        depth: u.depth,
        services: own.services,
        subtreeServices: sub.services,
        components: {
          ipv6: r2(own.components.ipv6),
          dnssec: r2(own.components.dnssec),
          availability: r2(own.components.availability),
          incidents: r2(own.components.incidents),
        },
        score: r2(own.score),
        subtreeScore: r2(sub.score),
        previousScore: r2(prevOwn.score),
        previousSubtreeScore: r2(prevSub.score),
        subtreeScoreChange: change(r2(sub.score), r2(prevSub.score)),
      };
    }),
  };

  return {
    report: 'compliance' as const,
    version: 1 as const,
    generatedAt: input.generatedAt.toISOString(),
    period: { from: period.from.toISOString(), to: period.to.toISOString() },
    previousPeriod: { from: previous.from.toISOString(), to: previous.to.toISOString() },
    scope: {
      unitId: scope.root?.id ?? null,
      unitCode: scope.root?.code ?? null,
      unitName: scope.root?.name ?? null,
      units: scope.units.length,
      services: scope.services.length,
      circuits: scope.circuits.length,
      checks: scope.checks.length,
    },
    ipv6: {
      operationalThresholdPercent: rules.ipv6.operationalThresholdPercent,
      total: {
        ...total,
        previousOperationalPercent: totalPrev.all.operationalPercent,
        operationalPercentChange: change(
          total.all.operationalPercent,
          totalPrev.all.operationalPercent,
        ),
      },
      grid,
      ranking,
      services: ipv6Items.map((i) => ({ ...i, operationalPercent: r2(i.operationalPercent) })),
    },
    dnssec: { summary: dnssecSummary, perUnit: dnssecPerUnit, zones },
    availability: {
      summary: availabilitySummary,
      services: availabilityServices,
      circuits,
      providers,
    },
    incidents,
    scorecard,
    trend: await trendOf(db, scope, period, now, before, rules),
  };
}

export type ComplianceReport = Awaited<ReturnType<typeof buildComplianceReport>>;
