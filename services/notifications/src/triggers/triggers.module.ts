import { Module } from '@nestjs/common';
import { DeliveryModule } from '../delivery/delivery.module.js';
import { InAppNotificationsModule } from '../in-app/in-app-notifications.module.js';
import { TemplatesModule } from '../templates/templates.module.js';
import { AuthEventsConsumer } from './auth-events.consumer.js';
import { BillingEventsConsumer } from './billing-events.consumer.js';
import { CrmEventsConsumer } from './crm-events.consumer.js';
import { Notifier } from './notifier.service.js';
import { OneTimeLinks } from './one-time-links.js';
import { RecipientDirectory } from './recipient-directory.js';
import { ReportingEventsConsumer } from './reporting-events.consumer.js';
import { TicketEventsConsumer } from './ticket-events.consumer.js';

/**
 * The events that make someone be told something. billing's invoice.sent emails the customer its
 * invoice; payment.received emails a receipt to the invoice's billing email.
 */
@Module({
  imports: [DeliveryModule, TemplatesModule, InAppNotificationsModule],
  providers: [
    AuthEventsConsumer,
    BillingEventsConsumer,
    CrmEventsConsumer,
    ReportingEventsConsumer,
    TicketEventsConsumer,
    Notifier,
    OneTimeLinks,
    RecipientDirectory,
  ],
  exports: [Notifier],
})
export class TriggersModule {}
