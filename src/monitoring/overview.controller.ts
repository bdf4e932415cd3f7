import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Access, Scoped } from '../auth/permissions';
import { ValidationError } from '../common/errors';
import { currentScope } from '../common/request-context';
import { CrudRegistry } from '../inventory/crud/crud.registry';
import { unitSubtreeSql } from '../inventory/crud/unit-subtree';
import { unitResource } from '../inventory/resources';

/** Worst first: the order a rolled-up status is decided in (the same as the summary's). */
export const WORST_FIRST = ['down', 'unreachable', 'degraded', 'not_tested', 'unknown', 'up'];
const FAILING = ['down', 'unreachable', 'degraded'];
const COMPLIANCE_KINDS = ['ipv6-web', 'ipv6-mail', 'ns-ipv6', 'dnssec'];

/** A whole number in [min, max] from a query string, or a 400 naming the field. */
function int(text: string | undefined, field: string, fallback: number, min: number, max: number) {
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new ValidationError(`invalid ${field}`, [
      { field, message: `${field} must be a whole number from ${min} to ${max}` },
    ]);
  return n;
}

function countsOf(rows: { state: string; n: string }[]): {
  counts: Record<string, number>;
  total: number;
  worst: string;
} {
  const counts = Object.fromEntries(WORST_FIRST.map((s) => [s, 0])) as Record<string, number>;
  for (const r of rows) counts[r.state] = (counts[r.state] ?? 0) + Number(r.n);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  // A unit with no checks has nothing to be worst of: `none`, not `unknown`.
  const worst = total === 0 ? 'none' : (WORST_FIRST.find((s) => counts[s] > 0) ?? 'unknown');
  return { counts, total, worst };
}

/**
 * What the dashboard's overview needs and the status routes do not give cheaply: the unit tree
 * one level at a time with each unit's subtree rolled up, the services failing IPv6 or DNSSEC,
 * and the DNSSEC signatures expiring soon. Every list is bounded and honours the caller's scope.
 */
@ApiTags('status')
@Access('monitoring')
@Scoped()
@Controller('api/status')
export class OverviewController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(CrudRegistry) private readonly registry: CrudRegistry,
  ) {}

  @Get('units')
  @ApiOperation({
    summary: 'Child units of a unit, each with check counts by state over its whole subtree',
    description:
      'Without parent: the top of the tree (the caller’s own unit when unit-scoped). One level ' +
      'per call, so a client expands the tree lazily.',
  })
  @ApiQuery({ name: 'parent', required: false, description: 'Unit code or id' })
  @ApiQuery({ name: 'limit', required: false, description: '1-500, default 100' })
  @ApiQuery({ name: 'offset', required: false })
  async units(
    @Query('parent') parent?: string,
    @Query('limit') limitText?: string,
    @Query('offset') offsetText?: string,
  ) {
    const limit = int(limitText, 'limit', 100, 1, 500);
    const offset = int(offsetText, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
    const scope = currentScope();
    let where: string;
    let params: unknown[];
    if (parent) {
      // Resolving through the unit resource makes a unit outside the scope a 404.
      const id = await this.registry.for(unitResource).resolveUnit(this.dataSource.manager, parent);
      [where, params] = ['u.parent_id = $1', [id]];
    } else if (scope) [where, params] = ['u.id = $1', [scope]];
    else [where, params] = ['u.parent_id IS NULL', []];

    const [{ total }]: { total: string }[] = await this.dataSource.query(
      `SELECT count(*) AS total FROM units u WHERE ${where}`,
      params,
    );
    const units: {
      id: string;
      code: string;
      kind: string;
      name: string;
      name_en: string | null;
      children: string;
    }[] = await this.dataSource.query(
      `SELECT u.id, u.code, u.kind, u.name, u.name_en,
              (SELECT count(*) FROM units c WHERE c.parent_id = u.id) AS children
         FROM units u WHERE ${where} ORDER BY u.code LIMIT ${limit} OFFSET ${offset}`,
      params,
    );
    // One recursive walk from all the listed units at once, each descendant tagged with its root.
    const rows: { root: string; state: string; n: string }[] = units.length
      ? await this.dataSource.query(
          `WITH RECURSIVE tree(root, id) AS (
             SELECT id, id FROM units WHERE id = ANY($1::uuid[])
             UNION ALL SELECT t.root, u.id FROM units u JOIN tree t ON u.parent_id = t.id)
           SELECT t.root, COALESCE(s.state, 'unknown') AS state, count(*) AS n
             FROM tree t JOIN checks c ON c.unit_id = t.id AND c.enabled
             LEFT JOIN check_states s ON s.check_id = c.id
            GROUP BY 1, 2`,
          [units.map((u) => u.id)],
        )
      : [];
    return {
      parent: parent ?? null,
      items: units.map((u) => ({
        id: u.id,
        code: u.code,
        kind: u.kind,
        name: u.name,
        nameEn: u.name_en,
        childCount: Number(u.children),
        ...countsOf(rows.filter((r) => r.root === u.id)),
      })),
      total: Number(total),
      limit,
      offset,
    };
  }

  @Get('failing-services')
  @ApiOperation({
    summary:
      'Active services whose IPv6 or DNSSEC checks are failing (down, unreachable, degraded)',
  })
  @ApiQuery({ name: 'limit', required: false, description: '1-100, default 10' })
  @ApiQuery({ name: 'offset', required: false })
  async failingServices(@Query('limit') limitText?: string, @Query('offset') offsetText?: string) {
    const limit = int(limitText, 'limit', 10, 1, 100);
    const offset = int(offsetText, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
    const params: unknown[] = [COMPLIANCE_KINDS, FAILING];
    let where = `s.status = 'active'`;
    const scope = currentScope();
    if (scope) {
      params.push(scope);
      where += ` AND s.unit_id IN ${unitSubtreeSql('$3')}`;
    }
    const rows: {
      id: string;
      kind: string;
      hostname: string;
      name: string;
      criticality: string;
      failing: { kind: string; family: number | null; state: string; reason: string | null }[];
      total: string;
    }[] = await this.dataSource.query(
      `SELECT s.id, s.kind, s.hostname, s.name, s.criticality,
              json_agg(json_build_object('kind', c.kind, 'family', c.family, 'state', st.state,
                'reason', st.last_reasons->0->>'message') ORDER BY c.kind, c.family) AS failing,
              count(*) OVER () AS total
         FROM services s
         JOIN checks c ON c.object_type = 'service' AND c.object_id = s.id AND c.enabled
                      AND c.kind = ANY($1::text[])
         JOIN check_states st ON st.check_id = c.id AND st.state = ANY($2::text[])
        WHERE ${where}
        GROUP BY s.id
        ORDER BY min(CASE st.state WHEN 'down' THEN 0 WHEN 'unreachable' THEN 1 ELSE 2 END),
                 s.hostname, s.kind
        LIMIT ${limit} OFFSET ${offset}`,
      params,
    );
    let total = rows.length ? Number(rows[0].total) : 0;
    if (!rows.length && offset > 0) {
      // Past the end: the window count is not there to read, so count on its own.
      const [c]: { total: string }[] = await this.dataSource.query(
        `SELECT count(DISTINCT s.id) AS total FROM services s
           JOIN checks c ON c.object_type = 'service' AND c.object_id = s.id AND c.enabled
                        AND c.kind = ANY($1::text[])
           JOIN check_states st ON st.check_id = c.id AND st.state = ANY($2::text[])
          WHERE ${where}`,
        params,
      );
      total = Number(c.total);
    }
    return {
      items: rows.map(({ total: _total, ...r }) => r),
      total,
      limit,
      offset,
    };
  }

  @Get('dnssec-expiring')
  @ApiOperation({
    summary: 'DNSSEC checks whose earliest signature expires within `days` (latest result)',
    description:
      'From the observations of each enabled dnssec check’s latest result of the last 3 days ' +
      '(the check runs hourly). Already expired signatures are listed first.',
  })
  @ApiQuery({ name: 'days', required: false, description: '1-365, default 14' })
  @ApiQuery({ name: 'limit', required: false, description: '1-100, default 10' })
  async dnssecExpiring(@Query('days') daysText?: string, @Query('limit') limitText?: string) {
    const days = int(daysText, 'days', 14, 1, 365);
    const limit = int(limitText, 'limit', 10, 1, 100);
    const now = new Date();
    const params: unknown[] = [new Date(now.getTime() - 3 * 86_400_000), now, days];
    let where = `c.kind = 'dnssec' AND c.enabled`;
    const scope = currentScope();
    if (scope) {
      params.push(scope);
      where += ` AND c.unit_id IN ${unitSubtreeSql('$4')}`;
    }
    // The cast is guarded: one odd observation must not fail the whole list.
    const expiry = `CASE WHEN r.observations->>'earliestExpiry' ~ '^\\d{4}-\\d{2}-\\d{2}T'
      THEN (r.observations->>'earliestExpiry')::timestamptz END`;
    const rows: {
      check_id: string;
      object_type: string | null;
      object_id: string | null;
      name: string | null;
      service_name: string | null;
      hostname: string | null;
      expires_at: Date;
      checked_at: Date;
    }[] = await this.dataSource.query(
      `SELECT * FROM (
         SELECT c.id AS check_id, c.object_type, c.object_id, r.observations->>'name' AS name,
                sv.name AS service_name, sv.hostname, ${expiry} AS expires_at, r.at AS checked_at
           FROM checks c
           CROSS JOIN LATERAL (
             SELECT cr.at, cr.observations FROM check_results cr
              WHERE cr.check_id = c.id AND cr.at >= $1 AND cr.observations IS NOT NULL
              ORDER BY cr.at DESC LIMIT 1) r
           LEFT JOIN services sv ON c.object_type = 'service' AND sv.id = c.object_id
          WHERE ${where}) x
        WHERE x.expires_at IS NOT NULL AND x.expires_at < $2::timestamptz + make_interval(days => $3)
        ORDER BY x.expires_at, x.check_id LIMIT ${limit}`,
      params,
    );
    return {
      days,
      items: rows.map((r) => ({
        checkId: r.check_id,
        objectType: r.object_type,
        objectId: r.object_id,
        name: r.name,
        serviceName: r.service_name,
        hostname: r.hostname,
        expiresAt: r.expires_at,
        daysLeft: Math.floor((new Date(r.expires_at).getTime() - now.getTime()) / 86_400_000),
        checkedAt: r.checked_at,
      })),
      limit,
    };
  }
}
