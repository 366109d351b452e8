import { Injectable } from '@nestjs/common';
import type { CustomerBody } from '@kinship/contracts/billing';
import { LookupCustomer, type CustomerRecord } from '@kinship/contracts/crm';
import { callOperation, RpcError, ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';

/**
 * Who an invoice may be billed to: a live crm contact or company of the caller's workspace, as crm
 * answers over NATS. An id crm does not know there (another workspace's, deleted, made up) is a 422
 * naming the field, so no invoice ever points at a record the workspace cannot see.
 */
@Injectable()
export class CustomerDirectory {
  constructor(private readonly services: ServiceClient) {}

  async resolve(customer: CustomerBody, context: RequestContext, field = 'customer'): Promise<CustomerRecord> {
    try {
      return await callOperation(this.services, LookupCustomer, customer, context);
    } catch (error) {
      if (!(error instanceof RpcError) || error.status !== 404) throw error;
      const [name, kind] = customer.contactId !== undefined ? ['contactId', 'contact'] : ['companyId', 'company'];
      throw RpcError.validation([{ field: `${field}.${name}`, issue: `is not a ${kind} of this workspace` }]);
    }
  }
}
