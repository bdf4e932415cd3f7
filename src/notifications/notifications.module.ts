import { DynamicModule, Global, Module } from '@nestjs/common';
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
 * Channels, routes and the outbox API; the sender and the reminder scanner (started by the
 * service when it listens). Needs `OutboxModule` and the SecretBox of ConfigModule; counts
 * deliveries in the engine's metrics (/metrics).
 */
@Module({
  imports: [MonitoringModule],
  controllers: [ChannelsController, RoutesController, OutboxController],
  providers: [ChannelsService, RoutesService, OutboxService, NotificationSender, ReminderScanner],
  exports: [ChannelsService, RoutesService, OutboxService, NotificationSender, ReminderScanner],
})
export class NotificationsModule {}
