import { Injectable } from '@nestjs/common';
import { LocateInvoice } from '@kinship/contracts/billing';
import { callOperation, RpcError, ServiceClient } from '@kinship/messaging';
import { isUuid } from '@kinship/persistence';
import { askingContext, type CrmCaller } from '../common/crm-caller.js';

/**
 * Invoices are billing's, and crm keeps no copy of all of them (only the overdue ones, for
 * tickets): whether an invoice files attach to is one of the caller's workspace, billing answers
 * over NATS (billing.invoices.locate). Asked before a transaction opens, so no row stays locked
 * during the round trip.
 */
@Injectable()
export class BillingInvoices {
  constructor(private readonly services: ServiceClient) {}

  /** 404 for a made-up id or another workspace's invoice. */
  async assertExists(caller: CrmCaller, invoiceId: string): Promise<void> {
    if (!isUuid(invoiceId)) throw RpcError.notFound('Invoice');
    await callOperation(this.services, LocateInvoice, { invoiceId }, askingContext(caller));
  }
}
