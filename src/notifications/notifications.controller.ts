import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { strictValidationPipe } from '../common/validation';
import { ChannelsService } from './channels.service';
import { driverFor } from './channels';
import {
  CreateChannelDto,
  CreateRouteDto,
  OutboxIdParam,
  OutboxQueryDto,
  RouteListQueryDto,
  UpdateChannelDto,
  UpdateRouteDto,
} from './notification.dto';
import type { DeliveryResult, NotificationMessage } from './notification.types';
import { OutboxService } from './outbox.service';
import { RoutesService } from './routes.service';
import { Access } from '../auth/permissions';

@ApiTags('notifications')
@Access('notifications')
@Controller('api/notification-channels')
export class ChannelsController {
  constructor(private readonly channels: ChannelsService) {}

  @Get()
  @ApiOperation({ summary: 'Channels (secrets are never returned: secretFields names those set)' })
  async list() {
    return { items: await this.channels.list() };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One channel' })
  async get(@Param('id') id: string) {
    return this.channels.get(id);
  }

  @Post()
  @ApiOperation({ summary: 'Create a channel (webhook, email, telegram)' })
  @ApiBody({ type: CreateChannelDto })
  async create(@Body(strictValidationPipe(CreateChannelDto)) body: CreateChannelDto) {
    return this.channels.create(body);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a channel (secret: object replaces, null clears)' })
  @ApiBody({ type: UpdateChannelDto })
  async update(
    @Param('id') id: string,
    @Body(strictValidationPipe(UpdateChannelDto)) body: UpdateChannelDto,
  ) {
    return this.channels.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a channel, its routes and its queued messages' })
  async remove(@Param('id') id: string): Promise<void> {
    await this.channels.remove(id);
  }

  @Post(':id/test')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send a test message now (not through the outbox) and return the outcome',
  })
  async test(@Param('id') id: string): Promise<DeliveryResult> {
    const channel = await this.channels.load(id);
    const now = new Date();
    const message: NotificationMessage = {
      deliveryId: `nw-test-${now.getTime()}`,
      items: [
        {
          event: 'opened',
          at: now,
          incident: {
            id: '00000000-0000-0000-0000-000000000000',
            number: 0,
            title: 'Thử kênh thông báo / notification channel test',
            description: '',
            severity: 4,
            category: 'other',
            status: 'open',
            unitCode: null,
            unitName: null,
            openedAt: now,
            acknowledgedAt: null,
            resolvedAt: null,
            reportDueAt: now,
            assignee: null,
            url: null,
          },
        },
      ],
    };
    return driverFor(channel.kind).send(
      message,
      channel.config,
      channel.secret,
      AbortSignal.timeout(60_000),
      this.channels.sendContext,
    );
  }
}

@ApiTags('notifications')
@Access('notifications')
@Controller('api/notification-routes')
export class RoutesController {
  constructor(private readonly routes: RoutesService) {}

  @Get()
  @ApiOperation({ summary: 'Routing rules (optionally of one channel)' })
  async list(@Query(strictValidationPipe(RouteListQueryDto)) q: RouteListQueryDto) {
    return { items: await this.routes.list(q.channel) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One routing rule' })
  async get(@Param('id') id: string) {
    return this.routes.get(id);
  }

  @Post()
  @ApiOperation({
    summary: 'Route incident events (by unit subtree, severity, category) to a channel',
  })
  @ApiBody({ type: CreateRouteDto })
  async create(@Body(strictValidationPipe(CreateRouteDto)) body: CreateRouteDto) {
    return this.routes.create(body);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a routing rule' })
  @ApiBody({ type: UpdateRouteDto })
  async update(
    @Param('id') id: string,
    @Body(strictValidationPipe(UpdateRouteDto)) body: UpdateRouteDto,
  ) {
    return this.routes.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a routing rule' })
  async remove(@Param('id') id: string): Promise<void> {
    await this.routes.remove(id);
  }
}

@ApiTags('notifications')
@Access('notifications')
@Controller('api/notifications/outbox')
export class OutboxController {
  constructor(private readonly outbox: OutboxService) {}

  @Get()
  @ApiOperation({ summary: 'Queued, sent and failed messages, newest first' })
  async list(@Query(strictValidationPipe(OutboxQueryDto)) q: OutboxQueryDto) {
    return this.outbox.list({
      status: q.status,
      channelId: q.channel,
      incidentId: q.incident,
      limit: q.limit,
      offset: q.offset,
    });
  }

  @Get(':id')
  @ApiOperation({ summary: 'One message with every delivery attempt (history)' })
  async get(@Param(strictValidationPipe(OutboxIdParam)) p: OutboxIdParam) {
    return this.outbox.get(p.id);
  }

  @Post(':id/retry')
  @HttpCode(200)
  @ApiOperation({ summary: 'Queue a failed message again' })
  async retry(@Param(strictValidationPipe(OutboxIdParam)) p: OutboxIdParam) {
    return this.outbox.retry(p.id);
  }
}
