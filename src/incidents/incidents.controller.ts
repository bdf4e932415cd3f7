import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { ValidationError } from '../common/errors';
import { currentScope } from '../common/request-context';
import { unitSubtreeSql } from '../inventory/crud/unit-subtree';
import { strictValidationPipe } from '../common/validation';
import {
  AssignDto,
  ChangeStatusDto,
  CreateIncidentDto,
  IncidentLinkDto,
  IncidentListQueryDto,
  IncidentMetricsQueryDto,
  MarkReportedDto,
  NoteDto,
  UpdateIncidentDto,
} from './incident.dto';
import { IncidentsService } from './incidents.service';
import { Access, Scoped, Unscoped } from '../auth/permissions';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@ApiTags('incidents')
@Access('incidents')
@Scoped()
@Controller('api/incidents')
export class IncidentsController {
  constructor(
    private readonly incidents: IncidentsService,
    private readonly dataSource: DataSource,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Incidents, newest first, with filters and pagination' })
  async list(@Query(strictValidationPipe(IncidentListQueryDto)) q: IncidentListQueryDto) {
    return this.incidents.list({
      unitId: q.unit ? await this.unitId(q.unit) : undefined,
      severity: q.severity,
      status: q.status,
      category: q.category,
      openedFrom: q.from ? new Date(q.from) : undefined,
      openedTo: q.to ? new Date(q.to) : undefined,
      objectType: q.objectType,
      objectId: q.objectId,
      assignee: q.assignee,
      search: q.q,
      limit: q.limit,
      offset: q.offset,
    });
  }

  @Get('metrics')
  @ApiOperation({
    summary: 'Counts by status, severity and category; MTTA and MTTR (mean and median, seconds)',
    description:
      'Over incidents opened in [from, to) in the unit subtree (and of the severities and ' +
      'categories given), overall and per severity and category.',
  })
  async metrics(@Query(strictValidationPipe(IncidentMetricsQueryDto)) q: IncidentMetricsQueryDto) {
    return this.incidents.metrics({
      unitId: q.unit ? await this.unitId(q.unit) : undefined,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      severity: q.severity,
      category: q.category,
    });
  }

  @Get('report-overdue')
  @ApiOperation({
    summary: 'Incidents past their upward report deadline and not reported (any status)',
  })
  async reportOverdue() {
    return { items: await this.incidents.reportOverdue() };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One incident with its links and timeline' })
  async get(@Param('id') id: string) {
    return this.incidents.get(id);
  }

  @Post()
  @ApiOperation({ summary: 'Open an incident by hand' })
  @ApiBody({ type: CreateIncidentDto })
  async create(@Body(strictValidationPipe(CreateIncidentDto)) body: CreateIncidentDto) {
    return this.incidents.create(body);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change fields (title, severity, root cause, ...)' })
  @ApiBody({ type: UpdateIncidentDto })
  async update(
    @Param('id') id: string,
    @Body(strictValidationPipe(UpdateIncidentDto)) body: UpdateIncidentDto,
  ) {
    return this.incidents.updateFields(id, body);
  }

  @Patch(':id/status')
  @ApiOperation({
    summary: 'Move through the lifecycle (an illegal change is a 400 naming status)',
  })
  @ApiBody({ type: ChangeStatusDto })
  async changeStatus(
    @Param('id') id: string,
    @Body(strictValidationPipe(ChangeStatusDto)) body: ChangeStatusDto,
  ) {
    return this.incidents.changeStatus(id, body.status, { note: body.note });
  }

  @Patch(':id/reported')
  @ApiOperation({
    summary: 'Record that the incident was reported upward (stops the deadline reminders)',
  })
  @ApiBody({ type: MarkReportedDto })
  async markReported(
    @Param('id') id: string,
    @Body(strictValidationPipe(MarkReportedDto)) body: MarkReportedDto,
  ) {
    return this.incidents.markReported(id, {
      reportedAt: body.reportedAt ? new Date(body.reportedAt) : undefined,
      reference: body.reference,
    });
  }

  @Patch(':id/assignee')
  @ApiOperation({ summary: 'Assign (null: unassign)' })
  @ApiBody({ type: AssignDto })
  async assign(@Param('id') id: string, @Body(strictValidationPipe(AssignDto)) body: AssignDto) {
    return this.incidents.assign(id, body.assignee);
  }

  @Post(':id/notes')
  @ApiOperation({ summary: 'Add a note to the timeline' })
  @ApiBody({ type: NoteDto })
  async addNote(@Param('id') id: string, @Body(strictValidationPipe(NoteDto)) body: NoteDto) {
    return this.incidents.addNote(id, body.text);
  }

  @Post(':id/links')
  // Linking names any object by id: not for unit-scoped callers until links honour the scope.
  @Unscoped()
  @ApiOperation({ summary: 'Link an object (service, device, circuit, unit, check, site)' })
  @ApiBody({ type: IncidentLinkDto })
  async link(
    @Param('id') id: string,
    @Body(strictValidationPipe(IncidentLinkDto)) body: IncidentLinkDto,
  ) {
    const created = await this.incidents.link(id, body);
    return { ...body, created };
  }

  /** A unit code or id → id; unknown is a validation error naming `unit`. */
  private async unitId(unit: string): Promise<string> {
    const rows: { id: string }[] = await this.dataSource.query(
      UUID.test(unit)
        ? 'SELECT id FROM units WHERE id = $1'
        : 'SELECT id FROM units WHERE code = $1',
      [unit],
    );
    const scope = currentScope();
    const inScope =
      rows.length > 0 &&
      (!scope ||
        (
          (await this.dataSource.query(`SELECT 1 FROM ${unitSubtreeSql('$1')} s WHERE s.id = $2`, [
            scope,
            rows[0].id,
          ])) as unknown[]
        ).length > 0);
    // Outside a scoped caller's subtree a unit does not exist for it (same answer as unknown).
    if (!inScope)
      throw new ValidationError('invalid query', [
        { field: 'unit', message: `unit ${unit} not found` },
      ]);
    return rows[0].id;
  }
}
