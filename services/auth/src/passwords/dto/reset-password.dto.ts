import type { AuthRpc } from '@kinship/contracts';
import { IsString } from 'class-validator';
import { IsToken } from '../../common/fields.js';

export class ResetPasswordDto implements AuthRpc.ResetPasswordRequest {
  @IsToken()
  token!: string;

  /** The rest of the policy: PasswordPolicy. */
  @IsString()
  password!: string;
}
