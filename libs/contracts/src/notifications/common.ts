import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

/** `:id` of a notification or a message. */
export class NotificationsIdParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') id!: string;
}

/** The 404 every operation on one record can answer. */
export const NOT_FOUND = { status: 404, description: 'No such record in the workspace (another workspace’s ids too).' } as const;
