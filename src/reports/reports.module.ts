import { Module } from '@nestjs/common';
import { loadComplianceRules } from './compliance/rules';
import { COMPLIANCE_RULES, REPORTS_CLOCK, ReportsController } from './reports.controller';

/**
 * Reports (issue 7): the compliance report's data core, JSON and CSV. The rules come from
 * config/compliance.yaml (or NETWATCH_COMPLIANCE_CONFIG), loaded once at start-up: a bad file
 * stops the start with every problem named. Override COMPLIANCE_RULES / REPORTS_CLOCK in tests.
 */
@Module({
  controllers: [ReportsController],
  providers: [
    { provide: COMPLIANCE_RULES, useFactory: () => loadComplianceRules() },
    { provide: REPORTS_CLOCK, useValue: () => new Date() },
  ],
})
export class ReportsModule {}
