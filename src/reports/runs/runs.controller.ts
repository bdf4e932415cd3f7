import { Body, Controller, Get, Inject, Param, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FieldProblem, ValidationError } from '../../common/errors';
import { currentActor } from '../../common/request-context';
import { strictValidationPipe } from '../../common/validation';
import { lastLocalMonth, Period } from '../compliance/period';
import { REPORTS_CLOCK } from '../reports.controller';
import { ReportRunner } from './report-runner';
import { ReportScheduler } from './report-scheduler';
import { CreateRunDto, RunListQueryDto } from './runs.dto';
import { REPORT_FORMATS } from './schedules';
import { Access } from '../../auth/permissions';

/** Stored report runs: scheduled and on demand, with their files (src/reports/README.md). */
@ApiTags('reports')
@Access('reports')
@Controller('api/reports')
export class RunsController {
  constructor(
    private readonly runner: ReportRunner,
    private readonly scheduler: ReportScheduler,
    @Inject(REPORTS_CLOCK) private readonly now: () => Date,
  ) {}

  @Get('schedules')
  @ApiOperation({
    summary: 'Configured report schedules, with the last slot handled and the next run',
  })
  async schedules() {
    const items = await this.scheduler.nextRuns();
    return {
      items: items.map((s) => ({ ...s.schedule, lastSlot: s.lastSlot, nextRun: s.nextRun })),
    };
  }

  @Get('runs')
  @ApiOperation({ summary: 'Report runs, newest first' })
  async list(@Query(strictValidationPipe(RunListQueryDto)) q: RunListQueryDto) {
    return this.runner.list(q);
  }

  @Post('runs')
  @ApiOperation({
    summary: 'Generate a compliance report now (default: last month, vi and en, every format)',
  })
  @ApiBody({ type: CreateRunDto })
  async create(@Body(strictValidationPipe(CreateRunDto)) body: CreateRunDto) {
    let period: Period = lastLocalMonth(this.now());
    if ((body.from === undefined) !== (body.to === undefined)) {
      const missing: FieldProblem =
        body.from === undefined
          ? { field: 'from', message: 'from is needed with to' }
          : { field: 'to', message: 'to is needed with from' };
      throw new ValidationError('invalid report request', [missing]);
    }
    if (body.from && body.to) period = { from: new Date(body.from), to: new Date(body.to) };
    const { run } = await this.runner.run({
      scheduleName: null,
      period,
      unit: body.unit ?? null,
      languages: body.languages ?? ['vi', 'en'],
      formats: body.formats ?? [...REPORT_FORMATS],
      requestedBy: currentActor().actor,
    });
    return run;
  }

  @Get('runs/:id')
  @ApiOperation({ summary: 'One run with its files (name, format, language, size, SHA-256)' })
  async get(@Param('id') id: string) {
    return this.runner.get(id);
  }

  @Get('runs/:id/files/:name')
  @ApiOperation({ summary: 'Download one file of a run' })
  async file(@Param('id') id: string, @Param('name') name: string) {
    const f = await this.runner.file(id, name);
    return new StreamableFile(f.content, {
      type: f.contentType,
      disposition: `${f.format === 'html' ? 'inline' : 'attachment'}; filename="${f.name}"`,
      length: f.size,
    });
  }
}
