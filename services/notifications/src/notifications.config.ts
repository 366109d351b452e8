import { ServiceConfig } from '@kinship/config';

export class NotificationsConfig extends ServiceConfig {
  override HTTP_PORT: number = 3104;
}
