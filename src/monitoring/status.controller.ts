import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { DataSource } from 'typeorm';
import { NotFoundError, ValidationError } from '../common/errors';
import { CrudRegistry } from '../inventory/crud/crud.registry';
import { unitSubtreeSql } from '../inventory/crud/unit-subtree';
import { unitResource } from '../inventory/resources';
import { EngineMetrics } from './metrics';
import { RollupQuery } from './results/rollup-query';
import { Access, Public, Scoped } from '../auth/permissions';
import { currentScope } from '../common/request-context';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RANGES: Record<string, number> = {
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
};
const WORST = ['down', 'unreachable', 'degraded', 'not_tested', 'unknown', 'up'];

interface CheckStatusRow {
  id: string;
  key: string;
  kind: string;
  family: number | null;
  object_type: string;
  object_id: string;
  unit_id: string | null;
  enabled: boolean;
  state: string | null;
  since: Date | null;
  last_result_at: Date | null;
  last_reasons: unknown;
}

const present = (r: CheckStatusRow) => ({
  id: r.id,
  key: r.key,
  kind: r.kind,
  family: r.family,
  objectType: r.object_type,
  objectId: r.object_id,
  unitId: r.unit_id,
  enabled: r.enabled,
  state: r.state ?? 'unknown',
  since: r.since,
  lastResultAt: r.last_result_at,
  reasons: r.last_reasons ?? [],
});

function range(q: { range?: string; from?: string; to?: string }): { from: Date; to: Date } {
  const to = q.to ? new Date(q.to) : new Date();
  const from = q.from
    ? new Date(q.from)
    : new Date(to.getTime() - (RANGES[q.range ?? '24h'] ?? NaN));
  const problems = [];
  if (q.range && !RANGES[q.range])
    problems.push({
      field: 'range',
      message: `range must be one of ${Object.keys(RANGES).join(', ')}`,
    });
  if (Number.isNaN(from.getTime()))
    problems.push({ field: 'from', message: 'from must be an ISO 8601 time' });
  if (Number.isNaN(to.getTime()))
    problems.push({ field: 'to', message: 'to must be an ISO 8601 time' });
  if (!problems.length && from >= to)
    problems.push({ field: 'from', message: 'from must be before to' });
  if (problems.length) throw new ValidationError('invalid range', problems);
  return { from, to };
}

/** Validated paging parameters (limit 1-500, offset ≥ 0). */
function page(limitText: string, offsetText: string): { limit: number; offset: number } {
  const limit = Number(limitText);
  const offset = Number(offsetText);
  const problems = [];
  if (!Number.isInteger(limit) || limit < 1 || limit > 500)
    problems.push({ field: 'limit', message: 'limit must be 1-500' });
  if (!Number.isInteger(offset) || offset < 0)
    problems.push({ field: 'offset', message: 'offset must be ≥ 0' });
  if (problems.length) throw new ValidationError('invalid paging', problems);
  return { limit, offset };
}

const SELECT_STATUS = `SELECT c.id, c.key, c.kind, c.family, c.object_type, c.object_id, c.unit_id, c.enabled,
  s.state, s.since, s.last_result_at, s.last_reasons FROM checks c LEFT JOIN check_states s ON s.check_id = c.id`;

/**
 * Current status and history of what the engine monitors: per check, per inventory object and
 * rolled up over a unit subtree (one query each); uptime, downtime and latency from rollups.
 */
@ApiTags('status')
@Access('monitoring')
@Scoped()
@Controller()
export class StatusController {
  private readonly rollups: RollupQuery;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(CrudRegistry) private readonly registry: CrudRegistry,
    @Inject(EngineMetrics) private readonly metrics: EngineMetrics,
  ) {
    this.rollups = new RollupQuery(dataSource);
  }

  @Get('api/status/summary')
  @ApiOperation({
    summary: 'Counts of checks by state and the worst state, for the province or a unit subtree',
  })
  @ApiQuery({ name: 'unit', required: false, description: 'Unit code or id (default: everything)' })
  async summary(@Query('unit') unit?: string) {
    const params: unknown[] = [];
    let where = 'c.enabled';
    if (unit) {
      params.push(await this.registry.for(unitResource).resolveUnit(this.dataSource.manager, unit));
      where += ` AND c.unit_id IN ${unitSubtreeSql('$1')}`;
    }
    const scope = currentScope();
    if (scope) {
      params.push(scope);
      where += ` AND c.unit_id IN ${unitSubtreeSql(`$${params.length}`)}`;
    }
    const rows: { state: string; count: string }[] = await this.dataSource.query(
      `SELECT COALESCE(s.state, 'unknown') AS state, count(*) AS count FROM checks c
       LEFT JOIN check_states s ON s.check_id = c.id WHERE ${where} GROUP BY 1`,
      params,
    );
    const counts = Object.fromEntries(WORST.map((s) => [s, 0])) as Record<string, number>;
    for (const r of rows) counts[r.state] = Number(r.count);
    const worst = WORST.find((s) => counts[s] > 0) ?? 'unknown';
    return {
      unit: unit ?? null,
      total: rows.reduce((a, r) => a + Number(r.count), 0),
      worst,
      counts,
    };
  }

  @Get('api/status/checks')
  @ApiOperation({
    summary: 'Checks with their current state (filter by state, kind, unit subtree, object)',
  })
  @ApiQuery({ name: 'state', required: false })
  @ApiQuery({ name: 'kind', required: false })
  @ApiQuery({ name: 'unit', required: false })
  @ApiQuery({ name: 'objectType', required: false })
  @ApiQuery({ name: 'objectId', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'offset', required: false })
  async checks(
    @Query('state') state?: string,
    @Query('kind') kind?: string,
    @Query('unit') unit?: string,
    @Query('objectType') objectType?: string,
    @Query('objectId') objectId?: string,
    @Query('limit') limitText = '50',
    @Query('offset') offsetText = '0',
  ) {
    const { limit, offset } = page(limitText, offsetText);
    if (objectId && !UUID.test(objectId))
      throw new ValidationError('invalid objectId', [
        { field: 'objectId', message: 'objectId must be a UUID' },
      ]);
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (state) add(`COALESCE(s.state, 'unknown') = ?`, state);
    if (kind) add('c.kind = ?', kind);
    if (objectType) add('c.object_type = ?', objectType);
    if (objectId) add('c.object_id = ?', objectId);
    if (unit) {
      params.push(await this.registry.for(unitResource).resolveUnit(this.dataSource.manager, unit));
      where.push(`c.unit_id IN ${unitSubtreeSql(`$${params.length}`)}`);
    }
    const scope = currentScope();
    if (scope) {
      params.push(scope);
      where.push(`c.unit_id IN ${unitSubtreeSql(`$${params.length}`)}`);
    }
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [{ total }]: { total: string }[] = await this.dataSource.query(
      `SELECT count(*) AS total FROM checks c LEFT JOIN check_states s ON s.check_id = c.id ${filter}`,
      params,
    );
    const rows: CheckStatusRow[] = await this.dataSource.query(
      `${SELECT_STATUS} ${filter} ORDER BY c.key LIMIT ${limit} OFFSET ${offset}`,
      params,
    );
    return { items: rows.map(present), total: Number(total), limit, offset };
  }

  @Get('api/status/services')
  @ApiOperation({ summary: 'IPv6 (web, mail, name servers) and DNSSEC state per service' })
  @ApiQuery({ name: 'unit', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'offset', required: false })
  async services(
    @Query('unit') unit?: string,
    @Query('limit') limitText = '50',
    @Query('offset') offsetText = '0',
  ) {
    const { limit, offset } = page(limitText, offsetText);
    const params: unknown[] = [];
    let where = `s.status = 'active'`;
    if (unit) {
      params.push(await this.registry.for(unitResource).resolveUnit(this.dataSource.manager, unit));
      where += ` AND s.unit_id IN ${unitSubtreeSql('$1')}`;
    }
    const scope = currentScope();
    if (scope) {
      params.push(scope);
      where += ` AND s.unit_id IN ${unitSubtreeSql(`$${params.length}`)}`;
    }
    const [{ total }]: { total: string }[] = await this.dataSource.query(
      `SELECT count(*) AS total FROM services s WHERE ${where}`,
      params,
    );
    const services: {
      id: string;
      kind: string;
      hostname: string;
      name: string;
      ipv6_required: boolean;
      dnssec_required: boolean;
    }[] = await this.dataSource.query(
      `SELECT s.id, s.kind, s.hostname, s.name, s.ipv6_required, s.dnssec_required FROM services s WHERE ${where}
         ORDER BY s.hostname, s.kind LIMIT ${limit} OFFSET ${offset}`,
      params,
    );
    const states: { object_id: string; kind: string; state: string; reasons: unknown }[] =
      services.length
        ? await this.dataSource.query(
            `SELECT c.object_id, c.kind, COALESCE(st.state, 'unknown') AS state, st.last_reasons AS reasons FROM checks c
           LEFT JOIN check_states st ON st.check_id = c.id
           WHERE c.object_type = 'service' AND c.enabled AND c.object_id = ANY($1::uuid[]) AND c.kind IN ('ipv6-web','ipv6-mail','ns-ipv6','dnssec')`,
            [services.map((x) => x.id)],
          )
        : [];
    const of = (id: string, kind: string) => {
      const st = states.find((x) => x.object_id === id && x.kind === kind);
      return st ? { state: st.state, reasons: st.reasons ?? [] } : null;
    };
    return {
      items: services.map((x) => ({
        id: x.id,
        kind: x.kind,
        hostname: x.hostname,
        name: x.name,
        ipv6Required: x.ipv6_required,
        dnssecRequired: x.dnssec_required,
        ipv6: {
          web: of(x.id, 'ipv6-web'),
          mail: of(x.id, 'ipv6-mail'),
          nameServers: of(x.id, 'ns-ipv6'),
        },
        dnssec: of(x.id, 'dnssec'),
      })),
      total: Number(total),
      limit,
      offset,
    };
  }

  @Get('api/status/checks/:id')
  @ApiOperation({
    summary: 'One check, its current state and its uptime over the last 24 h / 7 d / 30 d',
  })
  async check(@Param('id') id: string) {
    const row = await this.loadCheck(id);
    const now = new Date();
    const uptime = Object.fromEntries(
      await Promise.all(
        Object.entries(RANGES).map(async ([name, ms]) => {
          const r = await this.rollups.uptime({
            checkIds: [id],
            from: new Date(now.getTime() - ms),
            to: now,
          });
          return [
            name,
            { uptimePercent: r.overall.uptimePercent, downtimeMinutes: r.overall.downtimeMinutes },
          ];
        }),
      ),
    );
    return { ...present(row), uptime };
  }

  @Get('api/status/checks/:id/results')
  @ApiOperation({ summary: 'Raw results of a check, newest first (within the raw retention)' })
  @ApiQuery({ name: 'range', required: false, enum: Object.keys(RANGES) })
  @ApiQuery({ name: 'from', required: false })
  @ApiQuery({ name: 'to', required: false })
  @ApiQuery({ name: 'limit', required: false })
  async results(
    @Param('id') id: string,
    @Query('range') r?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('limit') limitText = '100',
  ) {
    await this.loadCheck(id);
    const span = range({ range: r, from, to });
    const limit = Math.min(Math.max(Number(limitText) || 100, 1), 1000);
    const items = await this.dataSource.query(
      `SELECT at, status, family, duration_ms AS "durationMs", latency_ms AS "latencyMs", reasons
       FROM check_results WHERE check_id = $1 AND at >= $2 AND at < $3 ORDER BY at DESC LIMIT $4`,
      [id, span.from, span.to, limit],
    );
    return { checkId: id, from: span.from, to: span.to, items };
  }

  @Get('api/status/checks/:id/uptime')
  @ApiOperation({
    summary: 'Uptime %, downtime minutes, latency percentiles and a series, from rollups',
  })
  @ApiQuery({ name: 'range', required: false, enum: Object.keys(RANGES) })
  @ApiQuery({ name: 'from', required: false })
  @ApiQuery({ name: 'to', required: false })
  async uptime(
    @Param('id') id: string,
    @Query('range') r?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
  ) {
    await this.loadCheck(id);
    const span = range({ range: r, from, to });
    const q = { checkIds: [id], ...span };
    const step = span.to.getTime() - span.from.getTime() > 3 * 86_400_000 ? 'day' : 'hour';
    const [uptime, latency, series] = await Promise.all([
      this.rollups.uptime(q),
      this.rollups.latency(q),
      this.rollups.series({ ...q, step }),
    ]);
    return {
      checkId: id,
      ...span,
      uptime: uptime.overall,
      approximate: uptime.approximate,
      latency,
      series,
    };
  }

  @Get('metrics')
  @Public()
  @ApiOperation({ summary: 'Prometheus metrics (no sign-in: counts only, for scrapers)' })
  async prometheus(@Res({ passthrough: true }) res: Response): Promise<string> {
    res.type(this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }

  private async loadCheck(id: string): Promise<CheckStatusRow> {
    // A check outside a scoped caller's subtree does not exist for it.
    const scope = currentScope();
    const rows: CheckStatusRow[] = UUID.test(id)
      ? await this.dataSource.query(
          `${SELECT_STATUS} WHERE c.id = $1${scope ? ` AND c.unit_id IN ${unitSubtreeSql('$2')}` : ''}`,
          scope ? [id, scope] : [id],
        )
      : [];
    if (!rows.length) throw new NotFoundError(`check ${id} not found`);
    return rows[0];
  }
}
