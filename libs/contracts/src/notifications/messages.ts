import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQuery } from '../fields.js';
import { defineOperation } from '../operation.js';
import { NOT_FOUND, NotificationsIdParams } from './common.js';

/** delivered and undelivered come from the SMS provider's delivery reports; failed also when the carrier reports it. */
export const MESSAGE_STATUSES = ['queued', 'sent', 'delivered', 'undelivered', 'failed'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];
export const MESSAGE_CHANNELS = ['email', 'sms'] as const;
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];

export class Message {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: MESSAGE_CHANNELS }) channel!: string;
  @ApiProperty({ example: 'task_assigned' }) templateKey!: string;
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true }) recipientUserId?: string | null;
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true }) recipientContactId?: string | null;
  @ApiProperty({ description: 'The email address or E.164 phone number.' }) address!: string;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'null for security emails (invitation, password_reset, email_verification): their content is never kept.',
  })
  subject?: string | null;
  @ApiProperty({
    enum: MESSAGE_STATUSES,
    description:
      'queued → sent (the server or provider accepted it) → delivered, undelivered or failed (an SMS provider’s delivery report); failed also after every try was refused.',
  })
  status!: string;
  @ApiProperty({ description: 'Tries so far.' }) attempts!: number;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'What the server or provider answered to the last failed try.' }) lastError?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'The Message-ID, or the SMS provider’s id.' }) providerMessageId?: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) sentAt?: string | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) failedAt?: string | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'When the SMS provider reported it delivered.' }) deliveredAt?:
    string | null;
}

export class MessagePage {
  @ApiProperty({ type: [Message], description: 'Newest first.' }) data!: Message[];
  @ApiProperty({ type: String, nullable: true }) nextCursor?: string | null;
}

export class ListMessagesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: MESSAGE_STATUSES }) @IsOptional() @IsIn(MESSAGE_STATUSES) status?: MessageStatus | null;
  @ApiPropertyOptional({ enum: MESSAGE_CHANNELS }) @IsOptional() @IsIn(MESSAGE_CHANNELS) channel?: MessageChannel | null;
}

export const ListMessages = defineOperation({
  pattern: 'notifications.messages.list',
  summary: 'List outgoing messages',
  description:
    'Emails and SMS the workspace sent or tried to send, newest first; `status=failed` lists what could not be sent after every retry (or a carrier reported failed), `delivered`/`undelivered` what the SMS provider reported.',
  permission: 'messages:manage',
  route: { method: 'GET', path: 'messages', status: 200 },
  input: ListMessagesQuery,
  output: MessagePage,
  errors: [],
});

export const RetryMessage = defineOperation({
  pattern: 'notifications.messages.retry',
  summary: 'Retry a failed message',
  description:
    'Queues a failed message for a new round of attempts. A security email cannot be retried: its one-time link is not kept, so the user asks for a new one.',
  permission: 'messages:manage',
  route: { method: 'POST', path: 'messages/:id/retry', status: 200 },
  params: NotificationsIdParams,
  output: Message,
  errors: [NOT_FOUND, { status: 409, description: 'The message did not fail, or is a security email; details name the id.' }],
});

export const MESSAGE_OPERATIONS = [ListMessages, RetryMessage] as const;
