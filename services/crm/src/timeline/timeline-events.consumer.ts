import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { DomainEvent } from '@kinship/messaging';
import { isUuid, newId } from '@kinship/persistence';
import { DomainEvents, type EventOf } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import type { RelatedRecord } from '@kinship/contracts/crm';

export const EMAIL_TIMELINE_CONSUMER = 'crm-timeline-emails';
export const BILLING_TIMELINE_CONSUMER = 'crm-timeline-billing';

/** The billing events a timeline shows. */
const BILLING_TYPES = ['invoice.sent', 'invoice.paid', 'payment.received'] as const;
type BillingEvent = EventOf<(typeof BILLING_TYPES)[number]>;

/** A billing event's timeline entry kind, and when what it tells happened (undefined: when the event did). */
function billingEntry(event: BillingEvent): { kind: string; occurredAt: string | undefined } {
  switch (event.type) {
    case 'invoice.sent':
      return { kind: 'invoice_sent', occurredAt: undefined };
    case 'invoice.paid':
      return { kind: 'invoice_paid', occurredAt: event.data.paidAt };
    case 'payment.received':
      return { kind: 'payment_received', occurredAt: event.data.receivedAt };
  }
}

function validTime(value: string | undefined, fallback: string): string {
  return value && !Number.isNaN(Date.parse(value)) ? value : fallback;
}

/**
 * Keeps what other services tell about crm records, for their timelines: emails notifications
 * sent to a contact, and invoices sent, paid and paid into for a contact or company (and, for a
 * paid invoice, its deal). From the start of the stream, so a first deployment fills the
 * timelines with history; the inbox and the (source event, subject) key make a redelivery a no-op.
 * Billing's events arrive on one consumer over events.billing.> (NATS 2.9 allows one filter
 * subject per consumer); invoice.finalized is not shown.
 */
@Injectable()
export class TimelineEventsConsumer implements OnModuleInit {
  constructor(private readonly events: DomainEvents) {}

  onModuleInit(): void {
    this.events.subscribe('email.sent', { durableName: EMAIL_TIMELINE_CONSUMER, startFrom: 'all' }, (event, manager) => this.emailSent(event, manager));
    this.events.subscribe(BILLING_TYPES, { durableName: BILLING_TIMELINE_CONSUMER, startFrom: 'all' }, (event, manager) => this.billing(event, manager));
  }

  private async emailSent(event: EventOf<'email.sent'>, manager: EntityManager): Promise<void> {
    if (!isUuid(event.data?.contactId)) return;
    const { messageId, campaignId, templateKey } = event.data;
    await this.record(manager, event, 'email_sent', event.occurredAt, [{ type: 'contact', id: event.data.contactId }], {
      messageId,
      campaignId: campaignId ?? null,
      templateKey,
    });
  }

  private async billing(event: BillingEvent, manager: EntityManager): Promise<void> {
    if (!event.data) return;
    const shown = billingEntry(event);
    const { customer, ...data } = event.data;
    const subjects: RelatedRecord[] = [];
    if (isUuid(customer?.contactId)) subjects.push({ type: 'contact', id: customer.contactId });
    if (isUuid(customer?.companyId)) subjects.push({ type: 'company', id: customer.companyId });
    const dealId = event.type === 'invoice.paid' ? event.data.dealId : undefined;
    if (isUuid(dealId)) subjects.push({ type: 'deal', id: dealId });
    await this.record(manager, event, shown.kind, validTime(shown.occurredAt, event.occurredAt), subjects, data);
  }

  private async record(manager: EntityManager, event: DomainEvent, kind: string, occurredAt: string, subjects: RelatedRecord[], data: object): Promise<void> {
    if (!event.workspaceId) return;
    for (const subject of subjects) {
      await manager.query(
        `INSERT INTO crm.timeline_entries (id, workspace_id, subject_type, subject_id, kind, occurred_at, actor_id, data, source_event_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT ON CONSTRAINT timeline_entries_source_key DO NOTHING`,
        [newId(), event.workspaceId, subject.type, subject.id, kind, occurredAt, isUuid(event.actorId) ? event.actorId : null, JSON.stringify(data), event.id],
      );
    }
  }
}
