import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { PageQuery } from '../fields.js';
import { defineOperation } from '../operation.js';
import { NotificationsIdParams } from './common.js';

export class InAppNotification {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'The notification type, e.g. task_assigned or deal_won.', example: 'task_assigned' }) type!: string;
  @ApiProperty({ example: 'New task: Call Charles' }) title!: string;
  @ApiProperty() body!: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'A path of the web app, e.g. /tasks/<id>.' }) link?: string | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'null while unread.' }) readAt?: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class NotificationPage {
  @ApiProperty({ type: [InAppNotification], description: 'Newest first.' }) data!: InAppNotification[];
  @ApiProperty({ type: String, nullable: true }) nextCursor?: string | null;
  @ApiProperty({ description: 'The caller’s unread notifications, whatever the page.' }) unreadCount!: number;
}

export class ListNotificationsQuery extends PageQuery {
  @ApiPropertyOptional({ type: Boolean, description: 'true: unread only.' })
  @IsOptional()
  // A query string says "true"; a request between services sends the boolean.
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  unread?: boolean | null;
}

export class ReadAllReply {
  @ApiProperty({ description: 'How many notifications this marked read.' }) marked!: number;
}

const NOT_THE_CALLERS = { status: 404, description: 'No notification of the caller with this id (another user’s are a 404 too).' } as const;

export const ListNotifications = defineOperation({
  pattern: 'notifications.notifications.list',
  summary: 'List the caller’s notifications',
  description: 'In-app notifications of the caller, newest first, with the unread count.',
  permission: 'notifications:read',
  route: { method: 'GET', path: 'notifications', status: 200 },
  input: ListNotificationsQuery,
  output: NotificationPage,
  errors: [],
});

export const ReadAllNotifications = defineOperation({
  pattern: 'notifications.notifications.read-all',
  summary: 'Mark all notifications read',
  description: 'Every unread in-app notification of the caller.',
  permission: 'notifications:read',
  route: { method: 'POST', path: 'notifications/read-all', status: 200 },
  output: ReadAllReply,
  errors: [],
});

export const ReadNotification = defineOperation({
  pattern: 'notifications.notifications.read',
  summary: 'Mark a notification read',
  description: 'Reading it again keeps the first time.',
  permission: 'notifications:read',
  route: { method: 'POST', path: 'notifications/:id/read', status: 200 },
  params: NotificationsIdParams,
  output: InAppNotification,
  errors: [NOT_THE_CALLERS],
});

export const IN_APP_NOTIFICATION_OPERATIONS = [ListNotifications, ReadAllNotifications, ReadNotification] as const;
