// jest runs TypeScript through esbuild (test/helpers/esbuild-transform.cjs): fast, and the same compiler that
// bundles the firmware.
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/test/helpers/esbuild-transform.cjs' },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 30000,
};
