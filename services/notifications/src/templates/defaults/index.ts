import type { DefaultTemplate, TemplateKey } from '../default-template.js';
import { creditNoteIssued } from './credit-note-issued.js';
import { dealWon } from './deal-won.js';
import { emailChangeRequested } from './email-change-requested.js';
import { emailVerification } from './email-verification.js';
import { invitation } from './invitation.js';
import { invoiceSent } from './invoice-sent.js';
import { passwordReset } from './password-reset.js';
import { paymentReceived } from './payment-received.js';
import { refundIssued } from './refund-issued.js';
import { reportDelivery } from './report-delivery.js';
import { taskAssigned } from './task-assigned.js';
import { ticketAssigned } from './ticket-assigned.js';
import { ticketSla } from './ticket-sla.js';

/** The templates every workspace starts with, in the order they are listed. */
export const DEFAULT_TEMPLATES: Record<TemplateKey, DefaultTemplate> = {
  invitation,
  password_reset: passwordReset,
  email_verification: emailVerification,
  email_change_requested: emailChangeRequested,
  task_assigned: taskAssigned,
  deal_won: dealWon,
  invoice_sent: invoiceSent,
  payment_received: paymentReceived,
  refund_issued: refundIssued,
  credit_note_issued: creditNoteIssued,
  report_delivery: reportDelivery,
  ticket_assigned: ticketAssigned,
  ticket_sla: ticketSla,
};
