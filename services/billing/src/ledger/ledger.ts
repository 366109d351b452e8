import { Injectable } from '@nestjs/common';
import type { BillingEvents } from '@kinship/contracts';
import type { LedgerEntry, WalletBalance, WalletMovement } from '@kinship/contracts/billing';
import { RpcError, type PagePosition } from '@kinship/messaging';
import { newId } from '@kinship/persistence';
import type { Emit } from '@kinship/platform';
import type { EntityManager } from 'typeorm';

/**
 * The chart of accounts. Amounts are signed, debit positive: assets (cash, bank, Stripe clearing,
 * what a customer owes) grow by debits; what the workspace owes (a customer's wallet, tax) and
 * revenue grow by credits, so their balances read negative in the ledger.
 */
export const ACCOUNTS = {
  cash: 'cash',
  bank: 'bank',
  stripeClearing: 'stripe_clearing',
  revenue: 'revenue',
  taxPayable: 'tax_payable',
  receivable: (customerId: string) => `receivable:${customerId}`,
  wallet: (customerId: string) => `wallet:${customerId}`,
} as const;

const WALLET_PREFIX = 'wallet:';

export type LedgerTransactionKind = 'invoice_finalized' | 'invoice_voided' | 'payment' | 'refund' | 'credit_note' | 'wallet_credit';

/** One side of a movement: debit positive, credit negative. */
export interface Posting {
  account: string;
  amount: bigint;
}

export interface LedgerTransactionToWrite {
  kind: LedgerTransactionKind;
  currency: string;
  postings: readonly Posting[];
  invoiceId?: string;
  paymentId?: string;
  creditNoteId?: string;
}

/** A wallet that grew in a transaction, with its balance after it (for wallet.credited). */
export interface WalletCredit {
  customerId: string;
  currency: string;
  amount: number;
  balance: number;
}

export interface PostedTransaction {
  id: string;
  walletCredits: WalletCredit[];
}

/** A wallet's balance after a transaction credited it. */
export interface CreditedRow {
  customer_id: string;
  balance: string;
}

/** A ledger transaction as CTEs of a statement not yet sent (Ledger.prepare). */
export interface PreparedTransaction {
  id: string;
  /** `posted`, `entries` and `credited`, comma-separated, for after WITH. */
  ctes: string;
  parameters: unknown[];
  /** The transaction as written, from the rows `credited` returned. */
  posted: (credited: readonly CreditedRow[]) => PostedTransaction;
}

interface EntryRow {
  id: string;
  transaction_id: string;
  account: string;
  amount: string;
  currency: string;
  created_at: Date;
}

/** wallet.credited for each wallet a transaction grew; `source` says what grew it. */
export async function emitWalletCredits(
  emit: Emit,
  workspaceId: string,
  actorId: string | null,
  transactionId: string,
  source: string,
  credits: readonly WalletCredit[],
  reason?: string,
): Promise<void> {
  for (const credit of credits) {
    await emit<BillingEvents.WalletCredited>({
      type: 'wallet.credited',
      workspaceId,
      actorId,
      aggregateId: credit.customerId,
      data: {
        customerId: credit.customerId,
        currency: credit.currency,
        amount: credit.amount,
        balance: credit.balance,
        source,
        transactionId,
        ...(reason ? { reason } : {}),
      },
    });
  }
}

export function insufficientWallet(currency: string): RpcError {
  return new RpcError(409, 'insufficient_wallet_balance', `The customer’s wallet holds less than this in ${currency}.`, [
    { field: 'amount', issue: 'exceeds the wallet balance' },
  ]);
}

/**
 * Writes and reads the double-entry ledger. Every movement of money is one transaction of at least
 * two non-zero entries summing to zero (one currency per transaction); the database refuses
 * anything else and refuses to change or delete an entry. A wallet's balance is also kept in
 * wallet_balances, changed in the same transaction under its row lock: a debit that would take it
 * below zero changes nothing and is a 409, however many debits race.
 */
@Injectable()
export class Ledger {
  async post(manager: EntityManager, workspaceId: string, transaction: LedgerTransactionToWrite): Promise<PostedTransaction> {
    const statement = await this.prepare(manager, workspaceId, transaction);
    const credited = (await manager.query(`WITH ${statement.ctes} SELECT customer_id, balance FROM credited`, statement.parameters)) as CreditedRow[];
    return statement.posted(credited);
  }

  /**
   * Takes the transaction's wallet debits (each its own statement, under the wallet row's lock: one
   * past zero refuses the whole movement, 409), then answers the rest — the transaction, all its
   * entries and the wallets it credits — as CTEs for one statement, whose parameters are numbered
   * from `firstParameter` so a caller can write its own rows in the same round trip. The statement
   * must select `customer_id, balance FROM credited` for `posted`. The database checks the entries'
   * foreign key and the balance once, at the statement's end, when the transaction's row is there too.
   */
  async prepare(manager: EntityManager, workspaceId: string, transaction: LedgerTransactionToWrite, firstParameter = 1): Promise<PreparedTransaction> {
    const postings = transaction.postings.filter((posting) => posting.amount !== 0n);
    if (postings.length < 2 || postings.reduce((sum, posting) => sum + posting.amount, 0n) !== 0n) {
      throw new Error(`a ${transaction.kind} ledger transaction must have two or more entries summing to zero`);
    }
    const credits: Array<{ customerId: string; change: bigint }> = [];
    for (const posting of postings) {
      if (!posting.account.startsWith(WALLET_PREFIX)) continue;
      const customerId = posting.account.slice(WALLET_PREFIX.length);
      const change = -posting.amount;
      const credit = credits.find((earlier) => earlier.customerId === customerId);
      if (change > 0n && credit) credit.change += change;
      else if (change > 0n) credits.push({ customerId, change });
      else await this.debitWallet(manager, workspaceId, customerId, transaction.currency, change);
    }
    const id = newId();
    const $ = (index: number) => `$${firstParameter + index - 1}`;
    return {
      id,
      ctes: `posted AS (
         INSERT INTO billing.ledger_transactions (id, workspace_id, kind, invoice_id, payment_id, credit_note_id) VALUES (${$(2)}, ${$(1)}, ${$(4)}, ${$(5)}, ${$(6)}, ${$(7)}) RETURNING id
       ), entries AS (
         INSERT INTO billing.ledger_entries (id, workspace_id, transaction_id, account, currency, amount)
         SELECT entry.id, ${$(1)}, posted.id, entry.account, ${$(3)}, entry.amount FROM posted, unnest(${$(8)}::uuid[], ${$(9)}::text[], ${$(10)}::bigint[]) AS entry(id, account, amount)
       ), credited AS (
         INSERT INTO billing.wallet_balances (workspace_id, customer_id, currency, balance)
         SELECT ${$(1)}, credit.customer_id, ${$(3)}, credit.change FROM unnest(${$(11)}::uuid[], ${$(12)}::bigint[]) AS credit(customer_id, change)
         ON CONFLICT (workspace_id, customer_id, currency) DO UPDATE SET balance = billing.wallet_balances.balance + EXCLUDED.balance, updated_at = now()
         RETURNING customer_id, balance
       )`,
      parameters: [
        workspaceId,
        id,
        transaction.currency,
        transaction.kind,
        transaction.invoiceId ?? null,
        transaction.paymentId ?? null,
        transaction.creditNoteId ?? null,
        postings.map(() => newId()),
        postings.map((posting) => posting.account),
        postings.map((posting) => String(posting.amount)),
        credits.map((credit) => credit.customerId),
        credits.map((credit) => String(credit.change)),
      ],
      posted: (credited) => ({
        id,
        walletCredits: credits.map((credit) => ({
          customerId: credit.customerId,
          currency: transaction.currency,
          amount: Number(credit.change),
          balance: Number(credited.find((row) => row.customer_id === credit.customerId)!.balance),
        })),
      }),
    };
  }

  /** Balances per currency of a customer's wallet, and its latest movements, newest first. */
  async wallet(manager: EntityManager, workspaceId: string, customerId: string): Promise<{ balances: WalletBalance[]; movements: WalletMovement[] }> {
    const balances = (await manager.query(
      `SELECT currency, balance FROM billing.wallet_balances WHERE workspace_id = $1 AND customer_id = $2 ORDER BY currency`,
      [workspaceId, customerId],
    )) as Array<{ currency: string; balance: string }>;
    const movements = (await manager.query(
      `SELECT e.transaction_id, t.kind, e.currency, e.amount, e.created_at FROM billing.ledger_entries e
       JOIN billing.ledger_transactions t ON t.workspace_id = e.workspace_id AND t.id = e.transaction_id
       WHERE e.workspace_id = $1 AND e.account = $2 ORDER BY e.id DESC LIMIT 100`,
      [workspaceId, ACCOUNTS.wallet(customerId)],
    )) as Array<{ transaction_id: string; kind: string; currency: string; amount: string; created_at: Date }>;
    return {
      balances: balances.map((row) => ({ currency: row.currency, amount: Number(row.balance) })),
      // The wallet is owed to the customer: a credit entry (negative) is the wallet growing.
      movements: movements.map((row) => ({
        transactionId: row.transaction_id,
        kind: row.kind,
        currency: row.currency,
        amount: -Number(row.amount),
        createdAt: row.created_at.toISOString(),
      })),
    };
  }

  async entries(
    manager: EntityManager,
    workspaceId: string,
    filter: { account?: string; transactionId?: string },
    position: PagePosition,
  ): Promise<Array<LedgerEntry & { id: string }>> {
    const rows = (await manager.query(
      `SELECT id, transaction_id, account, amount, currency, created_at FROM billing.ledger_entries
       WHERE workspace_id = $1 AND ($2::text IS NULL OR account = $2) AND ($3::uuid IS NULL OR transaction_id = $3) AND ($4::uuid IS NULL OR id > $4)
       ORDER BY id LIMIT $5`,
      [workspaceId, filter.account ?? null, filter.transactionId ?? null, position.afterId, position.limit + 1],
    )) as EntryRow[];
    return rows.map((row) => ({
      id: row.id,
      transactionId: row.transaction_id,
      account: row.account,
      amount: Number(row.amount),
      currency: row.currency,
      createdAt: row.created_at.toISOString(),
    }));
  }

  /** Takes from a wallet's kept balance; the UPDATE holds the row lock until commit, so racing debits queue and each sees the last. */
  private async debitWallet(manager: EntityManager, workspaceId: string, customerId: string, currency: string, change: bigint): Promise<void> {
    const [rows] = (await manager.query(
      `UPDATE billing.wallet_balances SET balance = balance + $4, updated_at = now()
       WHERE workspace_id = $1 AND customer_id = $2 AND currency = $3 AND balance + $4 >= 0 RETURNING balance`,
      [workspaceId, customerId, currency, String(change)],
    )) as [Array<{ balance: string }>, number];
    if (rows.length === 0) throw insufficientWallet(currency);
  }
}
