import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Access, Scoped } from '../../auth/permissions';
import { strictValidationPipe } from '../../common/validation';
import { CrudRegistry } from '../../inventory/crud/crud.registry';
import { unitResource } from '../../inventory/resources';
import { ScorecardQuery } from './scorecard-query';
import { ScorecardListQueryDto } from './scorecards.dto';

/**
 * internet.nl-style scorecards per domain (IPv6 web, IPv6 mail, IPv6 name servers, DNSSEC) for
 * the dashboard: the list is paged and searchable; one domain's card carries the reasons and
 * the latest observations (addresses, name servers, DNSSEC algorithms and expiry).
 */
@ApiTags('status')
@Access('monitoring')
@Scoped()
@Controller('api/status/scorecards')
export class ScorecardsController {
  private readonly query: ScorecardQuery;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(CrudRegistry) private readonly registry: CrudRegistry,
  ) {
    this.query = new ScorecardQuery(dataSource);
  }

  @Get()
  @ApiOperation({
    summary: 'Domains with their IPv6 web / mail / name-server and DNSSEC verdicts (paged)',
  })
  async list(@Query(strictValidationPipe(ScorecardListQueryDto)) q: ScorecardListQueryDto) {
    const unitId = q.unit
      ? await this.registry.for(unitResource).resolveUnit(this.dataSource.manager, q.unit)
      : undefined;
    return this.query.list({
      search: q.search,
      unitId,
      limit: q.limit ?? 50,
      offset: q.offset ?? 0,
    });
  }

  @Get(':domain')
  @ApiOperation({
    summary: "One domain's card: verdicts, each check's state and reasons, latest observations",
  })
  async get(@Param('domain') domain: string) {
    return this.query.get(domain);
  }
}
