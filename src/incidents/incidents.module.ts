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

/**
 * Incidents: API, service and the opener that turns monitoring transitions into incidents.
 * Import `IncidentsModule` for the defaults, or `IncidentsModule.forRoot({...})` to set them.
 */
@Module({
  controllers: [IncidentsController],
  providers: [
    { provide: INCIDENT_SETTINGS, useValue: DEFAULT_INCIDENT_SETTINGS },
    IncidentsService,
    IncidentOpener,
  ],
  exports: [IncidentsService, IncidentOpener],
})
export class IncidentsModule {
  static forRoot(settings: Partial<IncidentSettings>): DynamicModule {
    return {
      module: IncidentsModule,
      providers: [{ provide: INCIDENT_SETTINGS, useValue: resolveIncidentSettings(settings) }],
    };
  }
}
