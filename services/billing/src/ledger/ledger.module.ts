import { Module } from '@nestjs/common';
import { IdempotencyKeys } from './idempotency-keys.js';
import { InvoicePostings } from './invoice-postings.js';
import { LedgerController } from './ledger.controller.js';
import { Ledger } from './ledger.js';
import { LedgerReconciliation, ReconciliationJob } from './reconciliation.js';
import { WalletsService } from './wallets.service.js';

/** The double-entry ledger: postings, wallets, billing's idempotency keys and the reconciliation job (LEDGER_OPERATIONS). */
@Module({
  controllers: [LedgerController],
  providers: [Ledger, InvoicePostings, IdempotencyKeys, WalletsService, LedgerReconciliation, ReconciliationJob],
  exports: [Ledger, InvoicePostings, IdempotencyKeys],
})
export class LedgerModule {}
