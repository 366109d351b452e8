import type { ServiceDefinition } from '@kinship/platform';
import { messagingTablesMigration } from '@kinship/platform';
import { CrmConfig } from './crm.config.js';

/** The crm service: contacts, companies, pipelines, deals, tasks, notes, segments, imports and exports. */
export const crmService: ServiceDefinition<CrmConfig> = {
  name: 'crm',
  configSchema: CrmConfig,
  database: { schema: 'crm', migrations: [messagingTablesMigration('crm')] },
  features: () => [],
};
