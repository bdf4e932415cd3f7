import { DynamicModule, Module } from '@nestjs/common';
import { IncidentOpener } from './incident-opener';
import {
  DEFAULT_INCIDENT_SETTINGS,
  INCIDENT_SETTINGS,
  IncidentSettings,
  resolveIncidentSettings,
} from './incident-settings';
import { IncidentsController } from './incidents.controller';
import { IncidentsService } from './incidents.service';
import { IncidentReportController } from './report/incident-report.controller';
import {
  INCIDENT_REPORT_SETTINGS,
  IncidentReportSettings,
  resolveIncidentReportSettings,
} from './report/incident-report.settings';

/**
 * Incidents: API, service and the opener that turns monitoring transitions into incidents.
 * Import `IncidentsModule` for the defaults, or `IncidentsModule.forRoot({...})` to set them.
 * Needs `OutboxModule` (global): every incident event is queued for notification in its own
 * transaction.
 */
@Module({
  controllers: [IncidentsController, IncidentReportController],
  providers: [
    { provide: INCIDENT_SETTINGS, useValue: DEFAULT_INCIDENT_SETTINGS },
    IncidentsService,
    IncidentOpener,
  ],
  exports: [IncidentsService, IncidentOpener],
})
export class IncidentsModule {
  /** Incidents with settings (the configuration's `incidents` section, a test clock, ...). */
  static forRoot(
    settings: Partial<IncidentSettings>,
    reports: Partial<IncidentReportSettings> = {},
  ): DynamicModule {
    return {
      module: IncidentsModule,
      providers: [
        { provide: INCIDENT_SETTINGS, useValue: resolveIncidentSettings(settings) },
        { provide: INCIDENT_REPORT_SETTINGS, useValue: resolveIncidentReportSettings(reports) },
      ],
    };
  }
}
