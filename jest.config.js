// jest runs TypeScript through esbuild (test/helpers/esbuild-transform.cjs): fast, and the same compiler that
// bundles the firmware.
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/test/helpers/esbuild-transform.cjs' },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 30000,
  // Safety net for CI: a stray socket or timer in one test must not keep the run from ending. Tests close what they
  // open (brokers, hosts, simulators); this only guards against a regression hanging CI until its time limit.
  forceExit: true,
};
