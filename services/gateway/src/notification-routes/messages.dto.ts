import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { NotificationsRpc } from '@kinship/contracts';
import { IsIn, IsOptional } from 'class-validator';
import { PageQuery } from '../auth-routes/fields.js';

const STATUSES = ['queued', 'sent', 'failed'];
const CHANNELS = ['email', 'sms'];

export class MessageResponse implements NotificationsRpc.Message {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: CHANNELS }) channel!: string;
  @ApiProperty({ example: 'task_assigned' }) templateKey!: string;
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true }) recipientUserId?: string | null;
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true }) recipientContactId?: string | null;
  @ApiProperty({ description: 'The email address or E.164 phone number.' }) address!: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'null for security emails (invitation, password_reset, email_verification): their content is never kept.' })
  subject?: string | null;
  @ApiProperty({ enum: STATUSES }) status!: string;
  @ApiProperty({ description: 'Tries so far.' }) attempts!: number;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'What the server or provider answered to the last failed try.' }) lastError?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'The Message-ID, or the SMS provider’s id.' }) providerMessageId?: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) sentAt?: string | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) failedAt?: string | null;
}

export class MessagePageResponse implements NotificationsRpc.MessagePage {
  @ApiProperty({ type: [MessageResponse], description: 'Newest first.' }) data!: MessageResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor?: string | null;
}

export class ListMessagesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES)
  status?: string;

  @ApiPropertyOptional({ enum: CHANNELS })
  @IsOptional()
  @IsIn(CHANNELS)
  channel?: string;
}
