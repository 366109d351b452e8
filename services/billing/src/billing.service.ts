import type { ServiceDefinition } from '@kinship/platform';
import { messagingTablesMigration } from '@kinship/platform';
import { BillingConfig } from './billing.config.js';

/** The billing service: products, invoices, payments and the wallet ledger. */
export const billingService: ServiceDefinition<BillingConfig> = {
  name: 'billing',
  configSchema: BillingConfig,
  database: { schema: 'billing', migrations: [messagingTablesMigration('billing')] },
  features: () => [],
};
