import type { AuthRpc } from '@kinship/contracts';
import { IsToken } from '../../common/fields.js';

export class VerifyEmailDto implements AuthRpc.VerifyEmailRequest {
  @IsToken()
  token!: string;
}
