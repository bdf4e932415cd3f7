import { DynamicModule, Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OutboundGuard } from '../common/outbound-guard';
import { NETWATCH_CONFIG, NetwatchConfig } from '../config/config.types';
import { MonitoringModule } from '../monitoring/monitoring.module';
import { ChannelsService } from './channels.service';
import { NotificationSender } from './notification-sender';
import {
  NOTIFICATION_SETTINGS,
  NotificationSettings,
  resolveNotificationSettings,
} from './notification-settings';
import { ChannelsController, OutboxController, RoutesController } from './notifications.controller';
import { OutboxService } from './outbox.service';
import { OutboxWriter } from './outbox-writer';
import { ReminderScanner } from './reminder-scanner';
import { RoutesService } from './routes.service';

/**
 * The outbox writer and its settings, global: incidents write their events through it in
 * their own transactions. Needs only the database.
 */
@Global()
@Module({})
export class OutboxModule {
  static forRoot(settings: Partial<NotificationSettings> = {}): DynamicModule {
    return {
      module: OutboxModule,
      providers: [
        { provide: NOTIFICATION_SETTINGS, useValue: resolveNotificationSettings(settings) },
        OutboxWriter,
      ],
      exports: [NOTIFICATION_SETTINGS, OutboxWriter],
    };
  }
}

/**
 * The outbound rule for channel targets: the configured exceptions, and the database this
 * process really uses (the configured DATABASE_URL or the embedded cluster's URL, as TypeORM
 * was given it).
 */
const outboundGuardProvider = {
  provide: OutboundGuard,
  inject: [NETWATCH_CONFIG, DataSource],
  useFactory: (config: NetwatchConfig, dataSource: DataSource) =>
    OutboundGuard.fromSettings(config.notifications.allowedTargets ?? [], [
      config.database.url,
      (dataSource.options as { url?: string }).url,
    ]),
};

/**
 * Channels, routes and the outbox API; the sender and the reminder scanner (started by the
 * service when it listens). Needs `OutboxModule` and the SecretBox of ConfigModule; counts
 * deliveries in the engine's metrics (/metrics).
 */
@Module({
  imports: [MonitoringModule],
  controllers: [ChannelsController, RoutesController, OutboxController],
  providers: [
    outboundGuardProvider,
    ChannelsService,
    RoutesService,
    OutboxService,
    NotificationSender,
    ReminderScanner,
  ],
  exports: [ChannelsService, RoutesService, OutboxService, NotificationSender, ReminderScanner],
})
export class NotificationsModule {}
