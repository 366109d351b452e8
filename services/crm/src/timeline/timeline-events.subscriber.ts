import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { BillingEvents, NotificationsEvents } from '@kinship/contracts';
import type { DomainEvent } from '@kinship/messaging';
import { isUuid, newId } from '@kinship/persistence';
import { DomainEvents } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import type { RelatedRecord } from '@kinship/contracts/crm';

export const EMAIL_TIMELINE_CONSUMER = 'crm-timeline-emails';
export const BILLING_TIMELINE_CONSUMER = 'crm-timeline-billing';

type BillingPayload = BillingEvents.InvoiceSent | BillingEvents.InvoicePaid | BillingEvents.PaymentReceived;

/** The billing events a timeline shows, with their entry kind and when they happened. */
const BILLING_KINDS: Record<string, { kind: string; occurredAt: (data: BillingPayload) => string | undefined }> = {
  'invoice.sent': { kind: 'invoice_sent', occurredAt: () => undefined },
  'invoice.paid': { kind: 'invoice_paid', occurredAt: (data) => (data as BillingEvents.InvoicePaid).paidAt },
  'payment.received': { kind: 'payment_received', occurredAt: (data) => (data as BillingEvents.PaymentReceived).receivedAt },
};

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
export class TimelineEventsSubscriber implements OnModuleInit {
  constructor(private readonly events: DomainEvents) {}

  onModuleInit(): void {
    this.events.subscribe({
      durableName: EMAIL_TIMELINE_CONSUMER,
      filterSubjects: ['events.notifications.email.sent'],
      startFrom: 'all',
      handler: (event, manager) => this.emailSent(event as DomainEvent<NotificationsEvents.EmailSent>, manager),
    });
    this.events.subscribe({
      durableName: BILLING_TIMELINE_CONSUMER,
      filterSubjects: ['events.billing.>'],
      startFrom: 'all',
      handler: (event, manager) => this.billing(event as DomainEvent<BillingPayload>, manager),
    });
  }

  private async emailSent(event: DomainEvent<NotificationsEvents.EmailSent>, manager: EntityManager): Promise<void> {
    if (event.type !== 'email.sent' || !isUuid(event.data?.contactId)) return;
    const { messageId, campaignId, templateKey } = event.data;
    await this.record(manager, event, 'email_sent', event.occurredAt, [{ type: 'contact', id: event.data.contactId }], {
      messageId,
      campaignId: campaignId ?? null,
      templateKey,
    });
  }

  private async billing(event: DomainEvent<BillingPayload>, manager: EntityManager): Promise<void> {
    const shown = BILLING_KINDS[event.type];
    if (!shown || !event.data) return;
    const { customer, ...data } = event.data;
    const subjects: RelatedRecord[] = [];
    if (isUuid(customer?.contactId)) subjects.push({ type: 'contact', id: customer.contactId });
    if (isUuid(customer?.companyId)) subjects.push({ type: 'company', id: customer.companyId });
    const dealId = (event.data as BillingEvents.InvoicePaid).dealId;
    if (isUuid(dealId)) subjects.push({ type: 'deal', id: dealId });
    await this.record(manager, event, shown.kind, validTime(shown.occurredAt(event.data), event.occurredAt), subjects, data);
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
