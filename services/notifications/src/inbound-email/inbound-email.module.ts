import { Module } from '@nestjs/common';
import { FilesModule } from '@kinship/platform';
import { InboundEmailService } from './inbound-email.service.js';
import { InboundMailboxes } from './inbound-mailboxes.js';
import { InboundSmtpListener } from './inbound-smtp.listener.js';

/** Email to ticket, the notifications part: the SMTP listener, the support addresses, email.received. */
@Module({
  imports: [FilesModule.register()],
  providers: [InboundMailboxes, InboundEmailService, InboundSmtpListener],
})
export class InboundEmailModule {}
