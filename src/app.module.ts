import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConfigModule } from './config/config.module';
import { NetwatchConfig } from './config/config.types';
import { dataSourceOptions } from './database/data-source-options';
import { HealthModule } from './health/health.module';
import { InventoryModule } from './inventory/inventory.module';
import { IncidentsModule } from './incidents/incidents.module';
import { MonitoringModule } from './monitoring/monitoring.module';

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
        HealthModule,
        InventoryModule,
        MonitoringModule,
        IncidentsModule,
      ],
    };
  }
}
