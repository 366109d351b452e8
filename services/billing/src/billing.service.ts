import type { ServiceDefinition } from '@kinship/platform';
import { messagingTablesMigration, QueuesModule } from '@kinship/platform';
import { BillingConfig } from './billing.config.js';
import { InvoiceDocumentsModule } from './invoice-documents/invoice-documents.module.js';
import { InvoiceSchedulesModule } from './invoice-schedules/invoice-schedules.module.js';
import { SCHEDULES_QUEUE } from './invoice-schedules/invoice-scheduler.js';
import { CreditNotesModule } from './credit-notes/credit-notes.module.js';
import { InvoicesModule } from './invoices/invoices.module.js';
import { OVERDUE_QUEUE } from './invoices/overdue-invoices.js';
import { LedgerTables1765100000000 } from './ledger/1765100000000-ledger-tables.js';
import { LedgerModule } from './ledger/ledger.module.js';
import { RECONCILIATION_QUEUE } from './ledger/reconciliation.js';
import { BillingTables1764640000000 } from './migrations/1764640000000-billing-tables.js';
import { InvoiceDeals1765110000000 } from './migrations/1765110000000-invoice-deals.js';
import { InvoiceSchedules1765110100000 } from './migrations/1765110100000-invoice-schedules.js';
import { LedgerBalanceCheckAsOwner1765150000000 } from './migrations/1765150000000-ledger-balance-check-as-owner.js';
import { PaymentsModule } from './payments/payments.module.js';
import { ProductsModule } from './products/products.module.js';
import { StripeModule } from './stripe/stripe.module.js';
import { BillingSettingsModule } from './settings/billing-settings.module.js';

/** The billing service: products, invoices, billing settings, the ledger, payments, wallets and credit notes (docs/billing.md). */
export const billingService: ServiceDefinition<BillingConfig> = {
  name: 'billing',
  configSchema: BillingConfig,
  database: {
    schema: 'billing',
    // A transaction's opening goes with its first statement, its outbox rows with its COMMIT (no COPY or cursor in billing).
    pipeline: true,
    migrations: [
      messagingTablesMigration('billing'),
      BillingTables1764640000000,
      LedgerTables1765100000000,
      InvoiceDeals1765110000000,
      InvoiceSchedules1765110100000,
      LedgerBalanceCheckAsOwner1765150000000,
    ],
  },
  features: () => [
    QueuesModule.register([OVERDUE_QUEUE, RECONCILIATION_QUEUE, SCHEDULES_QUEUE]),
    ProductsModule,
    BillingSettingsModule,
    InvoicesModule,
    InvoiceDocumentsModule,
    InvoiceSchedulesModule,
    LedgerModule,
    PaymentsModule,
    CreditNotesModule,
    StripeModule,
  ],
};
