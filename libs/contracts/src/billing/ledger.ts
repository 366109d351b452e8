import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { IsCurrency, IsMinorUnits, IsText, PageQuery } from '../fields.js';
import { defineOperation } from '../operation.js';
import { IDEMPOTENCY_KEY_REQUIRED } from './payments.js';

export const WALLET_REASON_MAX = 500;
const ACCOUNT = /^(cash|bank|stripe_clearing|revenue|tax_payable|(receivable|wallet):[0-9a-f-]{36})$/;

export class CustomerIdParams {
  @ApiProperty({ format: 'uuid', description: 'A crm contact or company of the workspace.' }) @IsUUID('all') customerId!: string;
}

export class WalletBalance {
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ description: 'Minor units, never below 0.' }) amount!: number;
}

export class WalletMovement {
  @ApiProperty({ format: 'uuid' }) transactionId!: string;
  @ApiProperty({ enum: ['payment', 'refund', 'credit_note', 'wallet_credit'] }) kind!: string;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ description: 'Positive when the wallet grew, negative when it paid.' }) amount!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class Wallet {
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiProperty({ type: [WalletBalance], description: 'One per currency the wallet ever held.' }) balances!: WalletBalance[];
  @ApiProperty({ type: [WalletMovement], description: 'The latest 100, newest first.' }) movements!: WalletMovement[];
}

export class CreditWalletBody {
  @ApiProperty({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) @IsMinorUnits(1) amount!: number;
  @ApiProperty({ example: 'EUR' }) @IsCurrency() currency!: string;
  @ApiPropertyOptional({ maxLength: WALLET_REASON_MAX }) @IsOptional() @IsText(WALLET_REASON_MAX) reason?: string;
}

export class LedgerQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'cash', description: 'cash, bank, stripe_clearing, revenue, tax_payable, receivable:<customerId> or wallet:<customerId>.' })
  @IsOptional()
  @IsString()
  @MaxLength(60)
  @Matches(ACCOUNT, { message: 'account must be cash, bank, stripe_clearing, revenue, tax_payable, receivable:<uuid> or wallet:<uuid>' })
  account?: string;

  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all') transactionId?: string;
}

export class LedgerEntry {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) transactionId!: string;
  @ApiProperty({ example: 'receivable:0190…' }) account!: string;
  @ApiProperty({ description: 'Signed minor units, debit positive.' }) amount!: number;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class LedgerPage {
  @ApiProperty({ type: [LedgerEntry] }) data!: LedgerEntry[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class ReconciliationFinding {
  @ApiProperty({ enum: ['transaction_unbalanced', 'wallet_balance_mismatch', 'invoice_amount_due_mismatch', 'payment_unposted'] }) kind!: string;
  @ApiProperty({ description: 'The transaction, customer, invoice or payment id.' }) subject!: string;
  @ApiProperty({ type: String, nullable: true }) currency!: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'What the ledger (or the record) should show.' }) expected!: number | null;
  @ApiProperty({ type: Number, nullable: true }) actual!: number | null;
}

export class Reconciliation {
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the last check ran; null before the first.' }) checkedAt!: string | null;
  @ApiProperty({ description: 'Entries of every workspace the last check read.' }) entriesChecked!: number;
  @ApiProperty({ type: [ReconciliationFinding], description: 'This workspace’s findings; empty when its books balance.' }) findings!: ReconciliationFinding[];
}

export const GetWallet = defineOperation({
  pattern: 'billing.wallets.get',
  summary: 'Read a customer’s wallet',
  description: 'Balance per currency and the latest movements; a customer who never had one reads empty.',
  permission: 'billing:read',
  route: { method: 'GET', path: 'wallets/:customerId', status: 200 },
  params: CustomerIdParams,
  output: Wallet,
  errors: [],
});

export const CreditWallet = defineOperation({
  pattern: 'billing.wallets.credit',
  summary: 'Credit a customer’s wallet',
  description: 'Money received for the customer outside an invoice (cash against the wallet). Requires Idempotency-Key.',
  permission: 'billing:write',
  route: { method: 'POST', path: 'wallets/:customerId/credit', status: 201 },
  idempotencyKey: 'required',
  params: CustomerIdParams,
  input: CreditWalletBody,
  output: Wallet,
  errors: [
    IDEMPOTENCY_KEY_REQUIRED,
    { status: 422, description: 'The customer is not a live crm contact or company of the workspace (details name customerId).' },
  ],
});

export const ListLedgerEntries = defineOperation({
  pattern: 'billing.ledger.list',
  summary: 'List ledger entries',
  description: 'Oldest first; filter by account or transaction. Entries are never changed or deleted.',
  permission: 'billing:read',
  route: { method: 'GET', path: 'ledger', status: 200 },
  input: LedgerQuery,
  output: LedgerPage,
  errors: [],
});

export const GetReconciliation = defineOperation({
  pattern: 'billing.reconciliation.get',
  summary: 'Read the last reconciliation',
  description:
    'The findings of the last check: unbalanced transactions, wallet balances apart from their entries, invoices whose amount due differs from their receivable postings, payments without their ledger entry.',
  permission: 'billing:read',
  route: { method: 'GET', path: 'billing/reconciliation', status: 200 },
  output: Reconciliation,
  errors: [],
});

export const LEDGER_OPERATIONS = [GetWallet, CreditWallet, ListLedgerEntries, GetReconciliation] as const;
