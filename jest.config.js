// Default tier: needs only Node.js. ts-jest only transpiles (tsconfig.jest.json); `npm run typecheck` type-checks.
// The global setup starts one embedded PostgreSQL (unless
// DATABASE_URL is set), runs the migrations once, and every suite gets its own database
// cloned from that migrated template.
/** @type {import('jest').Config} */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: [
    '<rootDir>/src/**/*.spec.ts',
    '<rootDir>/probes/**/*.spec.ts',
    '<rootDir>/test/**/*.spec.ts',
  ],
  // test/browser needs Chromium: interop tier.
  testPathIgnorePatterns: [
    '/node_modules/',
    '/dist/',
    '<rootDir>/test/interop/',
    '<rootDir>/test/browser/',
    // Scale-out suites on Redis (test/scaleout/*.interop.spec.ts): interop tier.
    '<rootDir>/test/scaleout/.*\\.interop\\.spec\\.ts$',
  ],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }] },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 30000,
  maxWorkers: 2,
};
