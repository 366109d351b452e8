import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { NotificationsRpc } from '@kinship/contracts';
import { RpcError } from '@kinship/messaging';
import { isUuid, withWorkspace } from '@kinship/persistence';
import type { DataSource } from 'typeorm';
import { pagePosition, toPage } from '@kinship/messaging';
import type { ListMessagesQuery } from '@kinship/contracts/notifications';
import { holdsOneTimeLink } from '../templates/default-template.js';
import { toMessage } from './message.record.js';
import { MessagesRepository } from './messages.repository.js';
import { OutboundMessages } from './outbound-messages.service.js';

function messageNotFound(): RpcError {
  return RpcError.notFound('Message');
}

/** What admins see of the workspace's emails and SMS, and sending a failed one again. */
@Injectable()
export class MessagesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly messages: MessagesRepository,
    private readonly outbound: OutboundMessages,
  ) {}

  async list(workspaceId: string, query: ListMessagesQuery): Promise<NotificationsRpc.MessagePage> {
    const position = pagePosition(query);
    const filter = { status: query.status ?? null, channel: query.channel ?? null };
    const rows = await withWorkspace(this.dataSource, workspaceId, (manager) => this.messages.list(manager, workspaceId, filter, position));
    return toPage(rows, position, toMessage);
  }

  /** A failed message goes back in the queue for a new round of attempts; anything else is a 409. */
  async retry(workspaceId: string, id: string): Promise<NotificationsRpc.Message> {
    if (!isUuid(id)) throw messageNotFound();
    const requeued = await withWorkspace(this.dataSource, workspaceId, async (manager) => {
      const message = await this.messages.find(manager, workspaceId, id);
      if (!message) throw messageNotFound();
      if (holdsOneTimeLink(message.templateKey)) {
        throw RpcError.conflict(
          'A security email cannot be sent again: its one-time link is not kept. The user asks for a new one (or the invitation is sent again).',
          [{ field: 'id', issue: `is a ${message.templateKey} email` }],
        );
      }
      const updated = await this.messages.requeueFailed(manager, workspaceId, id);
      if (!updated)
        throw RpcError.conflict(`Only a failed message can be sent again; this one is ${message.status}.`, [{ field: 'id', issue: `is ${message.status}` }]);
      return updated;
    });
    // After the commit, so the job finds the message queued.
    await this.outbound.addJob({ workspaceId, messageId: id });
    return toMessage(requeued);
  }
}
