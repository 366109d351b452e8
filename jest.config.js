// Nest 12 packages are pure ES modules, so Jest runs in its native ESM mode
// (node --experimental-vm-modules, see package.json) and SWC compiles our TypeScript with decorator metadata.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2023',
    },
    module: { type: 'es6' },
  },
];

// Node 20 loads an ES module through require(), Jest's CommonJS loader does not (before Node 24.9),
// so the few pure-ESM packages that CommonJS dependencies require are compiled to CommonJS for Jest.
const REQUIRED_ESM_PACKAGES = ['content-disposition'];
const swcToCommonJs = ['@swc/jest', { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2023' }, module: { type: 'commonjs' } }];

const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': swc,
    [`/node_modules/(${REQUIRED_ESM_PACKAGES.join('|')})/.+\\.js$`]: swcToCommonJs,
  },
  transformIgnorePatterns: [`/node_modules/(?!(${REQUIRED_ESM_PACKAGES.join('|')})/)`],
  moduleNameMapper: {
    '^@kinship/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts',
    '^@kinship/([a-z-]+)/([a-z-]+)$': '<rootDir>/libs/$1/src/$2.ts',
    // `./x.js` is our `./x.ts`, unless a real x.js is there: libphonenumber-js imports its metadata as
    // `metadata.min.json.js`, which would otherwise become the bare JSON and a warning per import.
    '^(\\.{1,2}/.*)\\.js$': ['$1.js', '$1'],
  },
};

export default {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{libs,services}/*/src/**/*.spec.ts'] },
    // A service's use cases against its migrated schema in real PostgreSQL, without the gateway or
    // request/reply (startServiceTest of @kinship/testing); beside the feature they test.
    {
      ...common,
      displayName: 'service',
      testMatch: ['<rootDir>/services/*/src/**/*.service-test.ts'],
      globalSetup: '<rootDir>/libs/testing/src/test-servers.ts',
      globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{libs,services}/*/test/**/*.test.ts'],
      globalSetup: '<rootDir>/libs/testing/src/test-servers.ts',
      globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
      // Every response of the gateway is checked against its OpenAPI document.
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/response-check-setup.ts'],
    },
    // The deployment files (Helm chart, workflows, alert rules) checked with the real tools; no servers needed.
    { ...common, displayName: 'ops', testMatch: ['<rootDir>/deploy/test/**/*.test.ts'] },
  ],
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.js'],
  testTimeout: 60000,
  // Jest's ESM mode (vm modules) keeps part of every finished suite alive in its worker: one worker
  // passed 3 GB after 25 minutes and died of it. A worker above this after a suite is replaced.
  workerIdleMemoryLimit: '1GB',
};
