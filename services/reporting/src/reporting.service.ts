import type { ServiceDefinition } from '@kinship/platform';
import { messagingTablesMigration } from '@kinship/platform';
import { ReportingConfig } from './reporting.config.js';

/** The reporting service: read models built from events, reports and dashboards. */
export const reportingService: ServiceDefinition<ReportingConfig> = {
  name: 'reporting',
  configSchema: ReportingConfig,
  database: { schema: 'reporting', migrations: [messagingTablesMigration('reporting')] },
  features: () => [],
};
