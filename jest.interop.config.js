// Interop tier: real peers nobody here wrote (the machine's PostgreSQL at 127.0.0.1:5432 for
// now; BIND, Unbound, snmpd and Chromium as later issues add them).
const base = require('./jest.config.js');
/** @type {import('jest').Config} */
module.exports = {
  ...base,
  // The interop suites, and the monitoring store (partitions, rollups, locks) again on the
  // machine's PostgreSQL, a different major version from the embedded one.
  testMatch: [
    '<rootDir>/test/interop/**/*.spec.ts',
    '<rootDir>/test/monitoring/**/*.spec.ts',
    '<rootDir>/test/browser/**/*.spec.ts',
    // Scale-out: probe workers and queues on the machine's Redis (127.0.0.1:6379).
    '<rootDir>/test/scaleout/**/*.interop.spec.ts',
  ],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  globalSetup: '<rootDir>/test/support/interop-global-setup.ts',
  globalTeardown: undefined,
};
