export { startTestService } from './services.js';
export { createTestEnvironment, serverUrls, type TestEnvironment } from './test-environment.js';
