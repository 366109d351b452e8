import { ServiceConfig } from '@kinship/config';

export class AuthConfig extends ServiceConfig {
  override HTTP_PORT: number = 3101;
}
