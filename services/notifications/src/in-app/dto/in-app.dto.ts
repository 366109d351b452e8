import type { NotificationsRpc } from '@kinship/contracts';
import { IsBoolean, IsOptional, IsString } from 'class-validator';
import { PageDto } from '@kinship/messaging';

export class ListNotificationsDto extends PageDto implements NotificationsRpc.ListNotificationsRequest {
  @IsOptional()
  @IsBoolean()
  unread?: boolean | null;
}

/** Not checked as a UUID here: an id that is not one names no notification, and gets the same 404. */
export class NotificationIdDto implements NotificationsRpc.NotificationIdRequest {
  @IsString()
  id!: string;
}
