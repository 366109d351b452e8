import type { AuthRpc } from '@kinship/contracts';
import { IsEmailAddress } from '../../common/fields.js';

export class ForgotPasswordDto implements AuthRpc.ForgotPasswordRequest {
  @IsEmailAddress()
  email!: string;
}
