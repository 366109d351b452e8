import { Module } from '@nestjs/common';
import { ContactsModule } from '../contacts/contacts.module.js';
import { TicketsModule } from '../tickets/tickets.module.js';
import { InboundSmsConsumer } from './inbound-sms.consumer.js';

/** Texts contacts send the workspace (notifications' sms.received): opt-outs, timeline entries, tickets. */
@Module({
  imports: [ContactsModule, TicketsModule],
  providers: [InboundSmsConsumer],
})
export class InboundSmsModule {}
