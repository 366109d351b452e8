import type { Type } from '@nestjs/common';
import {
  CREDIT_NOTE_OPERATIONS,
  DOCUMENT_OPERATIONS,
  INVOICE_OPERATIONS,
  LEDGER_OPERATIONS,
  PAYMENT_OPERATIONS,
  PRODUCT_OPERATIONS,
  SCHEDULE_OPERATIONS,
  SETTINGS_OPERATIONS,
  STRIPE_OPERATIONS,
} from '@kinship/contracts/billing';
import { contractController } from './contract-controller.js';
import { StripeWebhookController } from './stripe-webhook.controller.js';

/** The routes of API.md "Billing" built so far, served from billing's contracts. */
export const BILLING_ROUTE_CONTROLLERS: Type[] = [
  contractController('products', PRODUCT_OPERATIONS),
  contractController('invoices', [...INVOICE_OPERATIONS, ...DOCUMENT_OPERATIONS]),
  contractController('billing-settings', SETTINGS_OPERATIONS),
  contractController('invoice-schedules', SCHEDULE_OPERATIONS),
  contractController('credit-notes', CREDIT_NOTE_OPERATIONS),
  contractController('payments', PAYMENT_OPERATIONS),
  contractController('ledger', LEDGER_OPERATIONS),
  contractController('payment-intents', STRIPE_OPERATIONS),
  StripeWebhookController,
];
