import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { NotificationsRpc } from '@kinship/contracts';
import { ValidRequest, type RpcRequest } from '@kinship/messaging';
import { callerWith } from '../common/access.js';
import { ListMessagesDto, MessageIdDto } from './dto/messages.dto.js';
import { MessagesService } from './messages.service.js';

const PERMISSION = 'messages:manage';

@Controller()
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @MessagePattern('notifications.messages.list')
  list(@Payload(new ValidRequest(ListMessagesDto)) request: RpcRequest<ListMessagesDto>): Promise<NotificationsRpc.MessagePage> {
    return this.messages.list(callerWith(request.context, PERMISSION).workspaceId, request.data);
  }

  @MessagePattern('notifications.messages.retry')
  retry(@Payload(new ValidRequest(MessageIdDto)) request: RpcRequest<MessageIdDto>): Promise<NotificationsRpc.Message> {
    return this.messages.retry(callerWith(request.context, PERMISSION).workspaceId, request.data.id);
  }
}
