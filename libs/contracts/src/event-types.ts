import type * as AuthEvents from './generated/kinship/auth/v1/events.js';
import type * as BillingEvents from './generated/kinship/billing/v1/events.js';
import type * as CrmEvents from './generated/kinship/crm/v1/events.js';
import type * as NotificationsEvents from './generated/kinship/notifications/v1/events.js';
import type * as ReportingEvents from './generated/kinship/reporting/v1/events.js';

/**
 * Every domain event type, with the service that publishes it and the name of its payload
 * interface (exported under `<Service>Events` from this package). Producers and consumers
 * name event types through `EventType` rather than bare strings, so a typo fails to compile.
 *
 * The subject of a type is `events.<service>.<type>`. The proto comments
 * (`// type: ..., subject: ...`) are the source of truth; event-types.spec.ts holds this map to them.
 */
export const EVENT_TYPES = {
  'workspace.created': { service: 'auth', payload: 'WorkspaceCreated' },
  'user.invited': { service: 'auth', payload: 'UserInvited' },
  'user.password_reset_requested': { service: 'auth', payload: 'UserPasswordResetRequested' },
  'user.email_verification_requested': { service: 'auth', payload: 'UserEmailVerificationRequested' },
  'user.email_change_requested': { service: 'auth', payload: 'UserEmailChangeRequested' },
  'user.registered': { service: 'auth', payload: 'UserRegistered' },
  'user.deactivated': { service: 'auth', payload: 'UserDeactivated' },
  'user.role_changed': { service: 'auth', payload: 'UserRoleChanged' },

  'contact.created': { service: 'crm', payload: 'ContactCreated' },
  'contact.updated': { service: 'crm', payload: 'ContactUpdated' },
  'contact.deleted': { service: 'crm', payload: 'ContactDeleted' },
  'contact.restored': { service: 'crm', payload: 'ContactRestored' },
  'contact.sms_unsubscribed': { service: 'crm', payload: 'ContactSmsUnsubscribed' },
  'contact.merged': { service: 'crm', payload: 'ContactMerged' },
  'company.created': { service: 'crm', payload: 'CompanyCreated' },
  'company.updated': { service: 'crm', payload: 'CompanyUpdated' },
  'company.deleted': { service: 'crm', payload: 'CompanyDeleted' },
  'company.restored': { service: 'crm', payload: 'CompanyRestored' },
  'pipeline.created': { service: 'crm', payload: 'PipelineCreated' },
  'pipeline.updated': { service: 'crm', payload: 'PipelineUpdated' },
  'pipeline.deleted': { service: 'crm', payload: 'PipelineDeleted' },
  'pipeline.restored': { service: 'crm', payload: 'PipelineRestored' },
  'deal.created': { service: 'crm', payload: 'DealCreated' },
  'deal.updated': { service: 'crm', payload: 'DealUpdated' },
  'deal.stage_changed': { service: 'crm', payload: 'DealStageChanged' },
  'deal.won': { service: 'crm', payload: 'DealWon' },
  'deal.lost': { service: 'crm', payload: 'DealLost' },
  'deal.deleted': { service: 'crm', payload: 'DealDeleted' },
  'deal.restored': { service: 'crm', payload: 'DealRestored' },
  'task.created': { service: 'crm', payload: 'TaskCreated' },
  'task.assigned': { service: 'crm', payload: 'TaskAssigned' },
  'task.completed': { service: 'crm', payload: 'TaskCompleted' },
  'task.updated': { service: 'crm', payload: 'TaskUpdated' },
  'task.deleted': { service: 'crm', payload: 'TaskDeleted' },
  'task.restored': { service: 'crm', payload: 'TaskRestored' },
  'note.created': { service: 'crm', payload: 'NoteCreated' },
  'note.updated': { service: 'crm', payload: 'NoteUpdated' },
  'note.deleted': { service: 'crm', payload: 'NoteDeleted' },
  'note.restored': { service: 'crm', payload: 'NoteRestored' },
  'record.created': { service: 'crm', payload: 'RecordCreated' },
  'record.updated': { service: 'crm', payload: 'RecordUpdated' },
  'record.deleted': { service: 'crm', payload: 'RecordDeleted' },
  'record.restored': { service: 'crm', payload: 'RecordRestored' },
  'records.imported': { service: 'crm', payload: 'RecordsImported' },
  'records.import_undone': { service: 'crm', payload: 'RecordsImportUndone' },
  'contacts.imported': { service: 'crm', payload: 'ContactsImported' },
  'companies.imported': { service: 'crm', payload: 'CompaniesImported' },
  'import.completed': { service: 'crm', payload: 'ImportCompleted' },
  'contacts.import_undone': { service: 'crm', payload: 'ContactsImportUndone' },
  'companies.import_undone': { service: 'crm', payload: 'CompaniesImportUndone' },
  'ticket.created': { service: 'crm', payload: 'TicketCreated' },
  'ticket.updated': { service: 'crm', payload: 'TicketUpdated' },
  'ticket.assigned': { service: 'crm', payload: 'TicketAssigned' },
  'ticket.commented': { service: 'crm', payload: 'TicketCommented' },
  'ticket.merged': { service: 'crm', payload: 'TicketMerged' },
  'ticket.deleted': { service: 'crm', payload: 'TicketDeleted' },
  'ticket.restored': { service: 'crm', payload: 'TicketRestored' },
  'ticket.sla_warning': { service: 'crm', payload: 'TicketSlaWarning' },
  'ticket.sla_breached': { service: 'crm', payload: 'TicketSlaBreached' },
  'ticket.email_reply_requested': { service: 'crm', payload: 'TicketEmailReplyRequested' },

  'invoice.created': { service: 'billing', payload: 'InvoiceCreated' },
  'invoice.updated': { service: 'billing', payload: 'InvoiceUpdated' },
  'invoice.deleted': { service: 'billing', payload: 'InvoiceDeleted' },
  'invoice.finalized': { service: 'billing', payload: 'InvoiceFinalized' },
  'invoice.voided': { service: 'billing', payload: 'InvoiceVoided' },
  'invoice.marked_uncollectible': { service: 'billing', payload: 'InvoiceMarkedUncollectible' },
  'invoice.overdue': { service: 'billing', payload: 'InvoiceOverdue' },
  'invoice.sent': { service: 'billing', payload: 'InvoiceSent' },
  'invoice.paid': { service: 'billing', payload: 'InvoicePaid' },
  'payment.received': { service: 'billing', payload: 'PaymentReceived' },
  'payment.refunded': { service: 'billing', payload: 'PaymentRefunded' },
  'credit_note.created': { service: 'billing', payload: 'CreditNoteCreated' },
  'wallet.credited': { service: 'billing', payload: 'WalletCredited' },
  'product.created': { service: 'billing', payload: 'ProductCreated' },
  'product.updated': { service: 'billing', payload: 'ProductUpdated' },
  'product.deleted': { service: 'billing', payload: 'ProductDeleted' },
  'product.restored': { service: 'billing', payload: 'ProductRestored' },

  'contact.unsubscribed': { service: 'notifications', payload: 'ContactUnsubscribed' },
  'email.sent': { service: 'notifications', payload: 'EmailSent' },
  'sms.received': { service: 'notifications', payload: 'SmsReceived' },
  'email.received': { service: 'notifications', payload: 'EmailReceived' },

  'projection.rebuilt': { service: 'reporting', payload: 'ProjectionRebuilt' },
  'report.scheduled_delivery': { service: 'reporting', payload: 'ReportScheduledDelivery' },
} as const satisfies Record<string, { service: 'auth' | 'crm' | 'billing' | 'notifications' | 'reporting'; payload: string }>;

export type EventType = keyof typeof EVENT_TYPES;

/** A map with exactly one entry per event type: a type left out fails to compile, and so does one EVENT_TYPES does not list. */
type PerEventType<T extends Record<EventType, unknown> & Record<Exclude<keyof T, EventType>, never>> = T;

/**
 * The payload (envelope `data`) of each event type, as generated from the proto files; consumers
 * get their handler's payload type from it (DomainEvents.subscribe of @kinship/platform).
 * event-types.spec.ts holds each entry to the payload EVENT_TYPES and the proto files name.
 */
export type EventPayloads = PerEventType<{
  'workspace.created': AuthEvents.WorkspaceCreated;
  'user.invited': AuthEvents.UserInvited;
  'user.password_reset_requested': AuthEvents.UserPasswordResetRequested;
  'user.email_verification_requested': AuthEvents.UserEmailVerificationRequested;
  'user.email_change_requested': AuthEvents.UserEmailChangeRequested;
  'user.registered': AuthEvents.UserRegistered;
  'user.deactivated': AuthEvents.UserDeactivated;
  'user.role_changed': AuthEvents.UserRoleChanged;
  'contact.created': CrmEvents.ContactCreated;
  'contact.updated': CrmEvents.ContactUpdated;
  'contact.deleted': CrmEvents.ContactDeleted;
  'contact.restored': CrmEvents.ContactRestored;
  'contact.sms_unsubscribed': CrmEvents.ContactSmsUnsubscribed;
  'contact.merged': CrmEvents.ContactMerged;
  'company.created': CrmEvents.CompanyCreated;
  'company.updated': CrmEvents.CompanyUpdated;
  'company.deleted': CrmEvents.CompanyDeleted;
  'company.restored': CrmEvents.CompanyRestored;
  'pipeline.created': CrmEvents.PipelineCreated;
  'pipeline.updated': CrmEvents.PipelineUpdated;
  'pipeline.deleted': CrmEvents.PipelineDeleted;
  'pipeline.restored': CrmEvents.PipelineRestored;
  'deal.created': CrmEvents.DealCreated;
  'deal.updated': CrmEvents.DealUpdated;
  'deal.stage_changed': CrmEvents.DealStageChanged;
  'deal.won': CrmEvents.DealWon;
  'deal.lost': CrmEvents.DealLost;
  'deal.deleted': CrmEvents.DealDeleted;
  'deal.restored': CrmEvents.DealRestored;
  'task.created': CrmEvents.TaskCreated;
  'task.assigned': CrmEvents.TaskAssigned;
  'task.completed': CrmEvents.TaskCompleted;
  'task.updated': CrmEvents.TaskUpdated;
  'task.deleted': CrmEvents.TaskDeleted;
  'task.restored': CrmEvents.TaskRestored;
  'note.created': CrmEvents.NoteCreated;
  'note.updated': CrmEvents.NoteUpdated;
  'note.deleted': CrmEvents.NoteDeleted;
  'note.restored': CrmEvents.NoteRestored;
  'record.created': CrmEvents.RecordCreated;
  'record.updated': CrmEvents.RecordUpdated;
  'record.deleted': CrmEvents.RecordDeleted;
  'record.restored': CrmEvents.RecordRestored;
  'records.imported': CrmEvents.RecordsImported;
  'records.import_undone': CrmEvents.RecordsImportUndone;
  'contacts.imported': CrmEvents.ContactsImported;
  'companies.imported': CrmEvents.CompaniesImported;
  'import.completed': CrmEvents.ImportCompleted;
  'contacts.import_undone': CrmEvents.ContactsImportUndone;
  'companies.import_undone': CrmEvents.CompaniesImportUndone;
  'ticket.created': CrmEvents.TicketCreated;
  'ticket.updated': CrmEvents.TicketUpdated;
  'ticket.assigned': CrmEvents.TicketAssigned;
  'ticket.commented': CrmEvents.TicketCommented;
  'ticket.merged': CrmEvents.TicketMerged;
  'ticket.deleted': CrmEvents.TicketDeleted;
  'ticket.restored': CrmEvents.TicketRestored;
  'ticket.sla_warning': CrmEvents.TicketSlaWarning;
  'ticket.sla_breached': CrmEvents.TicketSlaBreached;
  'ticket.email_reply_requested': CrmEvents.TicketEmailReplyRequested;
  'invoice.created': BillingEvents.InvoiceCreated;
  'invoice.updated': BillingEvents.InvoiceUpdated;
  'invoice.deleted': BillingEvents.InvoiceDeleted;
  'invoice.finalized': BillingEvents.InvoiceFinalized;
  'invoice.voided': BillingEvents.InvoiceVoided;
  'invoice.marked_uncollectible': BillingEvents.InvoiceMarkedUncollectible;
  'invoice.overdue': BillingEvents.InvoiceOverdue;
  'invoice.sent': BillingEvents.InvoiceSent;
  'invoice.paid': BillingEvents.InvoicePaid;
  'payment.received': BillingEvents.PaymentReceived;
  'payment.refunded': BillingEvents.PaymentRefunded;
  'credit_note.created': BillingEvents.CreditNoteCreated;
  'wallet.credited': BillingEvents.WalletCredited;
  'product.created': BillingEvents.ProductCreated;
  'product.updated': BillingEvents.ProductUpdated;
  'product.deleted': BillingEvents.ProductDeleted;
  'product.restored': BillingEvents.ProductRestored;
  'contact.unsubscribed': NotificationsEvents.ContactUnsubscribed;
  'email.sent': NotificationsEvents.EmailSent;
  'sms.received': NotificationsEvents.SmsReceived;
  'email.received': NotificationsEvents.EmailReceived;
  'projection.rebuilt': ReportingEvents.ProjectionRebuilt;
  'report.scheduled_delivery': ReportingEvents.ReportScheduledDelivery;
}>;
