export { ignoreDroppedConnections, startMailbox, type Mailbox, type MailboxOptions, type ReceivedMail } from './mailbox.js';
export { freePort, startPrivateServers, type PrivateServerName, type PrivateServers } from './private-servers.js';
export { startTestService } from './services.js';
export { createTestEnvironment, type TestEnvironment } from './test-environment.js';
export { serverUrls } from './test-servers.js';
export { skipResponseCheck } from './openapi/response-check.js';
export { fuzzApi, problemOf, summarizeFindings, type FindingKind, type FuzzFinding, type FuzzOptions, type FuzzReport } from './api-fuzz/api-fuzzer.js';
export { HOSTILE_CLASSES, type HostileClass } from './api-fuzz/schema-arbitraries.js';
export { refusal, startServiceTest, type OutboxEvent, type ServiceTest, type ServiceTestOptions } from './service-tier.js';
