import { Inventory1764300000000 } from './1764300000000-inventory';
import { Checks1764400001000 } from './1764400001000-checks';
import { CheckState1764400002000 } from './1764400002000-check-state';
import { CheckResults1764400003000 } from './1764400003000-check-results';
import { Incidents1764500000000 } from './1764500000000-incidents';
import { Notifications1764600000000 } from './1764600000000-notifications';
import { ReportRuns1764700000000 } from './1764700000000-report-runs';
import { AuditLog1764800000000 } from './1764800000000-audit-log';
import { Auth1764900000000 } from './1764900000000-auth';

/** Every migration, oldest first. Listed explicitly so src/ and dist/ load the same set. */
export const MIGRATIONS = [
  Inventory1764300000000,
  Checks1764400001000,
  CheckState1764400002000,
  CheckResults1764400003000,
  Incidents1764500000000,
  Notifications1764600000000,
  ReportRuns1764700000000,
  AuditLog1764800000000,
  Auth1764900000000,
];
