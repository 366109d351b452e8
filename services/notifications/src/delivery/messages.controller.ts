import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { ListMessages, ListMessagesQuery, RetryMessage } from '@kinship/contracts/notifications';
import { Handles, ValidRequest, type OperationRequest } from '@kinship/messaging';
import { callerWith } from '../common/access.js';
import { MessagesService } from './messages.service.js';

@Controller()
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  // Checked again here with the contract's class: the query reaches NATS without the gateway too.
  @Handles(ListMessages)
  list(@Payload(new ValidRequest(ListMessagesQuery)) { context, data }: OperationRequest<typeof ListMessages>) {
    return this.messages.list(callerWith(context, 'messages:manage').workspaceId, data);
  }

  /** An id that is not a UUID names no message: the service answers the same 404. */
  @Handles(RetryMessage)
  retry({ context, data }: OperationRequest<typeof RetryMessage>) {
    return this.messages.retry(callerWith(context, 'messages:manage').workspaceId, data.id);
  }
}
