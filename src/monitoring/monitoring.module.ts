import { Module } from '@nestjs/common';
import { InventoryModule } from '../inventory/inventory.module';
import { EngineMetrics } from './metrics';
import { MaintenanceController } from './maintenance.controller';
import { StatusController } from './status.controller';
import { ScorecardsController } from './scorecards/scorecards.controller';
import { OverviewController } from './overview.controller';
import { PublicStatusController } from './public-status.controller';

/** Status API and metrics; the engine itself is started by the service after HTTP is up. */
@Module({
  imports: [InventoryModule],
  controllers: [
    StatusController,
    MaintenanceController,
    OverviewController,
    PublicStatusController,
    ScorecardsController,
  ],
  providers: [EngineMetrics],
  exports: [EngineMetrics],
})
export class MonitoringModule {}
