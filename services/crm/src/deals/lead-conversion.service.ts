import { Injectable } from '@nestjs/common';
import type { CrmEvents } from '@kinship/contracts';
import { RpcError } from '@kinship/messaging';
import { isUuid } from '@kinship/persistence';
import { DomainEvents } from '@kinship/platform';
import { assertHolds, assertMayWrite, type CrmCaller } from '../common/crm-caller.js';
import type { InputOf } from '@kinship/contracts';
import type { ConvertContact, LifecycleStage } from '@kinship/contracts/crm';
import { toContactEvent, toContactRecord, type ContactRecord } from '../contacts/contact.model.js';
import { ContactsRepository } from '../contacts/contacts.repository.js';
import { DealsService, toDeal, type Deal } from './deals.service.js';

/** Stages a conversion leaves as they are: the contact is already an opportunity or further on. */
const AT_OR_PAST_OPPORTUNITY: ReadonlySet<LifecycleStage> = new Set(['opportunity', 'customer', 'evangelist']);

export interface Conversion {
  deal: Deal;
  contact: ContactRecord;
}

/**
 * POST /contacts/:id/convert: a lead becomes an opportunity. In one transaction the deal is
 * created (the contact linked, the contact's company, owned by the contact's owner or else the
 * caller) and the contact's lifecycle stage moves forward to opportunity — a customer stays a
 * customer. Either both happen, with deal.created and contact.updated, or neither.
 */
@Injectable()
export class LeadConversionService {
  constructor(
    private readonly events: DomainEvents,
    private readonly deals: DealsService,
    private readonly contacts: ContactsRepository,
  ) {}

  async convert(caller: CrmCaller, input: InputOf<typeof ConvertContact>): Promise<Conversion> {
    assertHolds(caller, 'deals:write');
    if (!isUuid(input.id)) throw RpcError.notFound('Contact');
    const { workspaceId } = caller;
    return this.events.transaction(workspaceId, async (manager, emit) => {
      const contact = await this.contacts.findLive(manager, workspaceId, input.id, { forUpdate: true });
      if (!contact) throw RpcError.notFound('Contact');
      assertMayWrite(caller, 'contacts:write', contact.ownerId);
      const deal = await this.deals.createInTransaction(manager, emit, caller, {
        name: input.dealName,
        amount: input.amount,
        currency: input.currency,
        pipelineId: input.pipelineId,
        companyId: contact.companyId,
        contactIds: [contact.id],
        ownerId: contact.ownerId ?? caller.userId,
      });
      if (AT_OR_PAST_OPPORTUNITY.has(contact.lifecycleStage)) return { deal: toDeal(deal), contact: toContactRecord(contact) };
      const updated = await this.contacts.update(manager, workspaceId, contact.id, { lifecycleStage: 'opportunity' });
      await emit<CrmEvents.ContactUpdated>({
        type: 'contact.updated',
        workspaceId,
        actorId: caller.userId,
        aggregateId: contact.id,
        data: { contact: toContactEvent(updated), changedFields: ['lifecycleStage'] },
      });
      return { deal: toDeal(deal), contact: toContactRecord(updated) };
    });
  }
}
