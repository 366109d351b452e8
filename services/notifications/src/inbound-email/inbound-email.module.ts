import { Module } from '@nestjs/common';
import { AttachmentFilesModule } from '@kinship/platform';
import { DeliveryModule } from '../delivery/delivery.module.js';
import { InboundEmailService } from './inbound-email.service.js';
import { InboundMailboxes } from './inbound-mailboxes.js';
import { InboundSmtpListener } from './inbound-smtp.listener.js';
import { TicketRepliesConsumer } from './ticket-replies.consumer.js';

/** Email to ticket, the notifications part: the SMTP listener, the support addresses, email.received, and agents' replies sent back threaded. */
@Module({
  imports: [AttachmentFilesModule.register(), DeliveryModule],
  providers: [InboundMailboxes, InboundEmailService, InboundSmtpListener, TicketRepliesConsumer],
})
export class InboundEmailModule {}
