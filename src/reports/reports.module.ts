import { Module } from '@nestjs/common';
import { NETWATCH_CONFIG, NetwatchConfig } from '../config/config.types';
import { loadComplianceRules } from './compliance/rules';
import { COMPLIANCE_RULES, REPORTS_CLOCK, ReportsController } from './reports.controller';
import { ReportRunner } from './runs/report-runner';
import { REPORT_SCHEDULES, ReportScheduler } from './runs/report-scheduler';
import { RunsController } from './runs/runs.controller';
import { loadSchedules } from './runs/schedules';

/**
 * Reports (issue 7): the compliance report's data core, JSON and CSV. The rules come from
 * config/compliance.yaml (or NETWATCH_COMPLIANCE_CONFIG), loaded once at start-up: a bad file
 * stops the start with every problem named. Override COMPLIANCE_RULES / REPORTS_CLOCK in tests.
 * Scheduled runs (config/report-schedules.yaml) ride on the monitoring engine's ticks: the
 * service attaches ReportScheduler to the engine.
 */
@Module({
  controllers: [ReportsController, RunsController],
  providers: [
    { provide: COMPLIANCE_RULES, useFactory: () => loadComplianceRules() },
    { provide: REPORTS_CLOCK, useValue: () => new Date() },
    {
      provide: REPORT_SCHEDULES,
      useFactory: (config: NetwatchConfig) => loadSchedules(config.reports.schedulesFile),
      inject: [NETWATCH_CONFIG],
    },
    ReportRunner,
    ReportScheduler,
  ],
  exports: [ReportRunner, ReportScheduler],
})
export class ReportsModule {}
