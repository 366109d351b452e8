import { ServiceConfig } from '@kinship/config';

export class CrmConfig extends ServiceConfig {
  override HTTP_PORT: number = 3102;
}
