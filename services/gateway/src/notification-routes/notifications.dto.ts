import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { NotificationsRpc } from '@kinship/contracts';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { PageQuery } from '../auth-routes/fields.js';

export class InAppNotificationResponse implements NotificationsRpc.InAppNotification {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'The notification type, e.g. task_assigned or deal_won.', example: 'task_assigned' }) type!: string;
  @ApiProperty({ example: 'New task: Call Charles' }) title!: string;
  @ApiProperty() body!: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'A path of the web app, e.g. /tasks/<id>.' }) link?: string | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'null while unread.' }) readAt?: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class NotificationPageResponse implements NotificationsRpc.NotificationPage {
  @ApiProperty({ type: [InAppNotificationResponse], description: 'Newest first.' }) data!: InAppNotificationResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor?: string | null;
  @ApiProperty({ description: 'The caller’s unread notifications, whatever the page.' }) unreadCount!: number;
}

export class ListNotificationsQuery extends PageQuery {
  @ApiPropertyOptional({ type: Boolean, description: 'true: unread only.' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  unread?: boolean;
}

export class ReadAllResponse implements NotificationsRpc.ReadAllReply {
  @ApiProperty({ description: 'How many notifications this marked read.' }) marked!: number;
}
