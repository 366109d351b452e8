import type { NotificationsRpc } from '@kinship/contracts';
import { IsIn, IsOptional, IsString } from 'class-validator';
import { PageDto } from '@kinship/messaging';
import type { Channel, MessageStatus } from '../message.record.js';

export const MESSAGE_STATUSES: MessageStatus[] = ['queued', 'sent', 'failed'];
export const CHANNELS: Channel[] = ['email', 'sms'];

export class ListMessagesDto extends PageDto implements NotificationsRpc.ListMessagesRequest {
  @IsOptional()
  @IsIn(MESSAGE_STATUSES)
  status?: MessageStatus | null;

  @IsOptional()
  @IsIn(CHANNELS)
  channel?: Channel | null;
}

/** Not checked as a UUID here: an id that is not one names no message, and gets the same 404. */
export class MessageIdDto implements NotificationsRpc.MessageIdRequest {
  @IsString()
  id!: string;
}
