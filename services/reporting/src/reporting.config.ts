import { ServiceConfig } from '@kinship/config';

export class ReportingConfig extends ServiceConfig {
  override HTTP_PORT: number = 3105;
}
