import type { AuthRpc } from '@kinship/contracts';
import { IsString, MaxLength } from 'class-validator';
import { IsEmailAddress } from '../../common/fields.js';
import { MAX_PASSWORD_LENGTH } from '../../passwords/password-policy.js';

export class LoginDto implements AuthRpc.LoginRequest {
  @IsEmailAddress()
  email!: string;

  @IsString()
  @MaxLength(MAX_PASSWORD_LENGTH)
  password!: string;
}
