import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { DomainEvent } from '@kinship/messaging';
import { isUuid, newId } from '@kinship/persistence';
import { DomainEvents, type EventOf } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import type { EventType } from '@kinship/contracts';
import type { RelatedRecord } from '@kinship/contracts/crm';

export const EMAIL_TIMELINE_CONSUMER = 'crm-timeline-emails';
export const BILLING_TIMELINE_CONSUMER = 'crm-timeline-billing';

/** The billing events a timeline shows. */
const BILLING_TYPES = ['invoice.sent', 'invoice.paid', 'payment.received'] as const;
type BillingType = (typeof BILLING_TYPES)[number];
type BillingEvent = EventOf<BillingType>;

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
    this.keep(['email.sent'], EMAIL_TIMELINE_CONSUMER, emailEntries);
    this.keep<BillingType>(BILLING_TYPES, BILLING_TIMELINE_CONSUMER, billingEntries);
  }

  /**
   * Set-wise: a fetched batch is one transaction with one inbox statement, and each run of one
   * workspace's events one INSERT; the handler writes the same rows for an event alone.
   */
  private keep<T extends EventType>(types: readonly T[], durableName: string, entriesOf: (event: EventOf<T>) => TimelineRow[]): void {
    this.events.subscribe(
      types,
      {
        durableName,
        startFrom: 'all',
        setWise: true,
        applyBatch: (run, manager) =>
          record(
            manager,
            run.flatMap(({ event }) => entriesOf(event)),
          ),
      },
      (event, manager) => record(manager, entriesOf(event)),
    );
  }
}

/** One timeline row to write: an event shown on one record's timeline. */
interface TimelineRow {
  id: string;
  workspace_id: string;
  subject_type: RelatedRecord['type'];
  subject_id: string;
  kind: string;
  occurred_at: string;
  actor_id: string | null;
  data: object;
  source_event_id: string;
}

function entries(event: DomainEvent, kind: string, occurredAt: string, subjects: RelatedRecord[], data: object): TimelineRow[] {
  if (!event.workspaceId) return [];
  return subjects.map((subject) => ({
    id: newId(),
    workspace_id: event.workspaceId!,
    subject_type: subject.type,
    subject_id: subject.id,
    kind,
    occurred_at: occurredAt,
    actor_id: isUuid(event.actorId) ? event.actorId : null,
    data,
    source_event_id: event.id,
  }));
}

function emailEntries(event: EventOf<'email.sent'>): TimelineRow[] {
  if (!isUuid(event.data?.contactId)) return [];
  const { messageId, campaignId, templateKey } = event.data;
  return entries(event, 'email_sent', event.occurredAt, [{ type: 'contact', id: event.data.contactId }], {
    messageId,
    campaignId: campaignId ?? null,
    templateKey,
  });
}

function billingEntries(event: BillingEvent): TimelineRow[] {
  if (!event.data) return [];
  const shown = billingEntry(event);
  const { customer, ...data } = event.data;
  const subjects: RelatedRecord[] = [];
  if (isUuid(customer?.contactId)) subjects.push({ type: 'contact', id: customer.contactId });
  if (isUuid(customer?.companyId)) subjects.push({ type: 'company', id: customer.companyId });
  const dealId = event.type === 'invoice.paid' ? event.data.dealId : undefined;
  if (isUuid(dealId)) subjects.push({ type: 'deal', id: dealId });
  return entries(event, shown.kind, validTime(shown.occurredAt, event.occurredAt), subjects, data);
}

/** All the rows in one statement; an entry already there (the same source event and subject) is left as it is. */
async function record(manager: EntityManager, rows: TimelineRow[]): Promise<void> {
  if (rows.length === 0) return;
  await manager.query(
    `INSERT INTO crm.timeline_entries (id, workspace_id, subject_type, subject_id, kind, occurred_at, actor_id, data, source_event_id)
     SELECT id, workspace_id, subject_type, subject_id, kind, occurred_at, actor_id, data, source_event_id
     FROM jsonb_to_recordset($1::jsonb) AS row(id uuid, workspace_id uuid, subject_type text, subject_id uuid, kind text, occurred_at timestamptz, actor_id uuid, data jsonb, source_event_id uuid)
     ON CONFLICT ON CONSTRAINT timeline_entries_source_key DO NOTHING`,
    [JSON.stringify(rows)],
  );
}
