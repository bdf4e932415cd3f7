import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { ConfigModule } from './config/config.module';
import { NetwatchConfig } from './config/config.types';
import { dataSourceOptions } from './database/data-source-options';
import { HealthModule } from './health/health.module';
import { InventoryModule } from './inventory/inventory.module';
import { IncidentsModule } from './incidents/incidents.module';
import {
  DEFAULT_INCIDENT_REPORT_SETTINGS,
  IncidentReportSettings,
} from './incidents/report/incident-report.settings';
import { MonitoringModule } from './monitoring/monitoring.module';
import { NotificationsModule, OutboxModule } from './notifications/notifications.module';
import { ReportsModule } from './reports/reports.module';

/** The organisation names for reports: the configured ones, the built-in defaults otherwise. */
function reportSettingsFrom(config: NetwatchConfig): Partial<IncidentReportSettings> {
  const o = config.organisation;
  const pick = (name: string, managingBody: string) => ({
    ...(name ? { name } : {}),
    ...(managingBody ? { managingBody } : {}),
  });
  return {
    organisation: {
      vi: { ...DEFAULT_INCIDENT_REPORT_SETTINGS.organisation.vi, ...pick(o.name, o.managingBody) },
      en: {
        ...DEFAULT_INCIDENT_REPORT_SETTINGS.organisation.en,
        ...pick(o.nameEn, o.managingBodyEn),
      },
    },
  };
}

@Module({})
export class AppModule {
  /** `databaseUrl` is the configured one or the embedded cluster's, decided before Nest starts. */
  static forRoot(config: NetwatchConfig, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        TypeOrmModule.forRoot(
          dataSourceOptions({
            url: databaseUrl,
            poolSize: config.database.poolSize,
            logSql: config.database.logSql,
          }),
        ),
        AuditModule,
        AuthModule.forRoot(config.auth),
        HealthModule,
        InventoryModule,
        MonitoringModule,
        OutboxModule.forRoot(config.notifications),
        NotificationsModule,
        IncidentsModule.forRoot(config.incidents, reportSettingsFrom(config)),
        ReportsModule,
      ],
    };
  }
}
