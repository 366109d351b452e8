export { createTestEnvironment, serverUrls, type TestEnvironment } from './test-environment.js';
