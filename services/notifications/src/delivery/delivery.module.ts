import { Module, type Provider } from '@nestjs/common';
import { FilesModule } from '@kinship/platform';
import { NotificationsConfig } from '../notifications.config.js';
import { EmailSender } from './email-sender.js';
import { MessagesController } from './messages.controller.js';
import { MessagesRepository } from './messages.repository.js';
import { MessagesService } from './messages.service.js';
import { OutboundMessages } from './outbound-messages.service.js';
import { SendMessageProcessor } from './send-message.processor.js';
import { SmsDeliveryReports } from './sms-delivery-reports.repository.js';
import { LoggingSmsSender } from './sms/logging-sms-sender.js';
import { SmsSender } from './sms/sms-sender.js';
import { TwilioSmsSender } from './sms/twilio-sms-sender.js';

/** SMS_PROVIDER picks the adapter. */
const smsSender: Provider = {
  provide: SmsSender,
  inject: [NotificationsConfig, TwilioSmsSender, LoggingSmsSender],
  useFactory: (config: NotificationsConfig, twilio: TwilioSmsSender, logging: LoggingSmsSender) => (config.SMS_PROVIDER === 'twilio' ? twilio : logging),
};

/**
 * Sending emails and SMS: OutboundMessages queues them (for triggers and campaigns), the
 * processor sends them; notifications.messages.* lets admins see failed ones and retry them.
 */
@Module({
  imports: [FilesModule.register()],
  controllers: [MessagesController],
  providers: [
    MessagesRepository,
    OutboundMessages,
    SendMessageProcessor,
    MessagesService,
    EmailSender,
    TwilioSmsSender,
    LoggingSmsSender,
    smsSender,
    SmsDeliveryReports,
  ],
  exports: [OutboundMessages, MessagesRepository, SmsSender, SmsDeliveryReports],
})
export class DeliveryModule {}
