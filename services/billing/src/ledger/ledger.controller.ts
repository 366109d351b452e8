import { Controller } from '@nestjs/common';
import { CreditWallet, GetReconciliation, GetWallet, ListLedgerEntries } from '@kinship/contracts/billing';
import { Handles, type OperationRequest } from '@kinship/messaging';
import { billingCaller } from '../common/billing-caller.js';
import { LedgerReconciliation } from './reconciliation.js';
import { WalletsService } from './wallets.service.js';

@Controller()
export class LedgerController {
  constructor(
    private readonly wallets: WalletsService,
    private readonly reconciliation: LedgerReconciliation,
  ) {}

  @Handles(GetWallet)
  wallet({ context, data }: OperationRequest<typeof GetWallet>) {
    return this.wallets.get(billingCaller(context, GetWallet), data.customerId);
  }

  @Handles(CreditWallet)
  credit({ context, data: { customerId, ...body } }: OperationRequest<typeof CreditWallet>) {
    return this.wallets.credit(billingCaller(context, CreditWallet), customerId, body);
  }

  @Handles(ListLedgerEntries)
  entries({ context, data }: OperationRequest<typeof ListLedgerEntries>) {
    return this.wallets.entries(billingCaller(context, ListLedgerEntries), data);
  }

  @Handles(GetReconciliation)
  reconciliationFindings({ context }: OperationRequest<typeof GetReconciliation>) {
    return this.reconciliation.last(billingCaller(context, GetReconciliation).workspaceId);
  }
}
