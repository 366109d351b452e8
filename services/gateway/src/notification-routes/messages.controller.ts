import { Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { NotificationsRpc } from '@kinship/contracts';
import { ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { RequirePermission } from '../access/route-access.js';
import { IdParams } from '../auth-routes/fields.js';
import { Caller } from '../http/caller-context.js';
import { ListMessagesQuery, MessagePageResponse, MessageResponse } from './messages.dto.js';

/** Every email and SMS the workspace sent or tried to: admins see the failed ones and send them again. */
@ApiTags('messages')
@Controller('messages')
export class MessagesController {
  constructor(private readonly services: ServiceClient) {}

  @Get()
  @RequirePermission('messages:manage')
  @ApiOkResponse({ type: MessagePageResponse, description: '`?status=failed` lists what could not be sent after every retry.' })
  @ApiOperation({ summary: 'List outgoing messages', description: 'Emails and SMS the workspace sent or tried to send; `status=failed` lists those that failed every retry.' })
  list(@Query() query: ListMessagesQuery, @Caller() caller: RequestContext): Promise<NotificationsRpc.MessagePage> {
    return this.services.send<NotificationsRpc.MessagePage, NotificationsRpc.ListMessagesRequest>('notifications.messages.list', query, caller);
  }

  @Post(':id/retry')
  @RequirePermission('messages:manage')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: MessageResponse, description: 'Queued again for a new round of attempts; 409 unless it failed, and for a security email (its one-time link is not kept: the user asks for a new one).' })
  @ApiOperation({ summary: 'Retry a failed message', description: 'Queues a failed message for a new round of attempts.' })
  retry(@Param() params: IdParams, @Caller() caller: RequestContext): Promise<NotificationsRpc.Message> {
    return this.services.send<NotificationsRpc.Message, NotificationsRpc.MessageIdRequest>('notifications.messages.retry', { id: params.id }, caller);
  }
}
