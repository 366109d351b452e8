import { Injectable } from '@nestjs/common';
import type { CreateInvoiceBody, CustomerBody, InvoiceLineBody } from '@kinship/contracts/billing';
import { GetDealForInvoice, type DealForInvoice } from '@kinship/contracts/crm';
import { callOperation, RpcError, ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';

/** A create request with everything a draft needs, whether the client gave it or the deal did. */
export type DraftRequest = CreateInvoiceBody & { customer: CustomerBody; currency: string; lines: InvoiceLineBody[] };

/**
 * Invoices for crm deals: `dealId` must name a live deal of the workspace (crm answers over NATS,
 * crm.deals.for-invoice); with `fromDeal` the deal gives the one line (its name and amount), the
 * currency and, unless the body names one, the customer: its company, else its first contact.
 */
@Injectable()
export class DealInvoices {
  constructor(private readonly services: ServiceClient) {}

  async complete(body: CreateInvoiceBody, context: RequestContext): Promise<DraftRequest> {
    if (body.dealId === undefined) return body as DraftRequest;
    const deal = await this.deal(body.dealId, context);
    if (!body.fromDeal) return body as DraftRequest;
    const customer = body.customer ?? this.customerOf(deal);
    return { ...body, customer, currency: deal.currency, lines: [{ description: deal.name, quantity: 1, unitPrice: deal.amount, taxRate: 0 }] };
  }

  private async deal(dealId: string, context: RequestContext): Promise<DealForInvoice> {
    try {
      return await callOperation(this.services, GetDealForInvoice, { dealId }, context);
    } catch (error) {
      if (!(error instanceof RpcError) || error.status !== 404) throw error;
      throw RpcError.validation([{ field: 'dealId', issue: 'is not a deal of this workspace' }]);
    }
  }

  private customerOf(deal: DealForInvoice): CustomerBody {
    if (!deal.customer) throw RpcError.validation([{ field: 'dealId', issue: 'has no company or contact to bill: give customer' }]);
    return deal.customer.type === 'company' ? { companyId: deal.customer.id } : { contactId: deal.customer.id };
  }
}
