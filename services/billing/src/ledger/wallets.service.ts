import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CreditWallet, type CreditWalletBody, type LedgerPage, type LedgerQuery, type Wallet } from '@kinship/contracts/billing';
import { LookupCustomer } from '@kinship/contracts/crm';
import { callOperation, pagePosition, RpcError, ServiceClient, toPage } from '@kinship/messaging';
import { withWorkspace } from '@kinship/persistence';
import { DomainEvents } from '@kinship/platform';
import type { DataSource } from 'typeorm';
import type { BillingCaller } from '../common/billing-caller.js';
import { IdempotencyKeys } from './idempotency-keys.js';
import { ACCOUNTS, emitWalletCredits, Ledger } from './ledger.js';

/** Wallets (read and credit) and the ledger's entries. */
@Injectable()
export class WalletsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    private readonly ledger: Ledger,
    private readonly keys: IdempotencyKeys,
    private readonly services: ServiceClient,
  ) {}

  async get(caller: BillingCaller, customerId: string): Promise<Wallet> {
    return withWorkspace(this.dataSource, caller.workspaceId, async (manager) => ({
      customerId,
      ...(await this.ledger.wallet(manager, caller.workspaceId, customerId)),
    }));
  }

  /** Money received for a customer outside an invoice: cash against the wallet, once per Idempotency-Key. */
  async credit(caller: BillingCaller, customerId: string, input: CreditWalletBody): Promise<Wallet> {
    const { workspaceId } = caller;
    await this.requireCustomer(caller, customerId);
    return this.events.transaction(workspaceId, (manager, emit) =>
      this.keys.once(manager, caller, CreditWallet, { customerId, ...input }, async () => {
        const amount = BigInt(input.amount);
        const posted = await this.ledger.post(manager, workspaceId, {
          kind: 'wallet_credit',
          currency: input.currency,
          postings: [
            { account: ACCOUNTS.cash, amount },
            { account: ACCOUNTS.wallet(customerId), amount: -amount },
          ],
        });
        await emitWalletCredits(emit, workspaceId, caller.userId, posted.id, 'wallet_credit', posted.walletCredits, input.reason);
        return { customerId, ...(await this.ledger.wallet(manager, workspaceId, customerId)) };
      }),
    );
  }

  async entries(caller: BillingCaller, query: LedgerQuery): Promise<LedgerPage> {
    const position = pagePosition(query);
    return withWorkspace(this.dataSource, caller.workspaceId, async (manager) => {
      const rows = await this.ledger.entries(manager, caller.workspaceId, { account: query.account, transactionId: query.transactionId }, position);
      return toPage(rows, position, (row) => row);
    });
  }

  /** A live crm contact or company of the workspace (crm answers over NATS); else 422 naming customerId. */
  private async requireCustomer(caller: BillingCaller, customerId: string): Promise<void> {
    for (const lookup of [{ contactId: customerId }, { companyId: customerId }]) {
      try {
        await callOperation(this.services, LookupCustomer, lookup, caller.context);
        return;
      } catch (error) {
        if (!(error instanceof RpcError) || error.status !== 404) throw error;
      }
    }
    throw RpcError.validation([{ field: 'customerId', issue: 'is not a contact or company of this workspace' }]);
  }
}
