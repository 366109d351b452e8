import type { ServiceDefinition } from '@kinship/platform';
import { messagingTablesMigration, QueuesModule } from '@kinship/platform';
import { BillingConfig } from './billing.config.js';
import { InvoiceDocumentsModule } from './invoice-documents/invoice-documents.module.js';
import { InvoiceSchedulesModule } from './invoice-schedules/invoice-schedules.module.js';
import { SCHEDULES_QUEUE } from './invoice-schedules/invoice-scheduler.js';
import { InvoicesModule } from './invoices/invoices.module.js';
import { OVERDUE_QUEUE } from './invoices/overdue-invoices.js';
import { BillingTables1764640000000 } from './migrations/1764640000000-billing-tables.js';
import { InvoiceDeals1765110000000 } from './migrations/1765110000000-invoice-deals.js';
import { InvoiceSchedules1765110100000 } from './migrations/1765110100000-invoice-schedules.js';
import { ProductsModule } from './products/products.module.js';
import { BillingSettingsModule } from './settings/billing-settings.module.js';

/** The billing service: products, invoices and billing settings so far (docs/billing.md). */
export const billingService: ServiceDefinition<BillingConfig> = {
  name: 'billing',
  configSchema: BillingConfig,
  database: { schema: 'billing', migrations: [messagingTablesMigration('billing'), BillingTables1764640000000, InvoiceDeals1765110000000, InvoiceSchedules1765110100000] },
  features: () => [QueuesModule.register([OVERDUE_QUEUE, SCHEDULES_QUEUE]), ProductsModule, BillingSettingsModule, InvoicesModule, InvoiceDocumentsModule, InvoiceSchedulesModule],
};
