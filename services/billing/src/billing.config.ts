import { ServiceConfig } from '@kinship/config';

export class BillingConfig extends ServiceConfig {
  override HTTP_PORT: number = 3103;
}
