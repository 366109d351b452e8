import type { AuthRpc } from '@kinship/contracts';
import { IsString } from 'class-validator';
import { IsEmailAddress, IsName } from '../../common/fields.js';

export class RegisterDto implements AuthRpc.RegisterRequest {
  @IsEmailAddress()
  email!: string;

  /** Length and the rest of the policy: PasswordPolicy, so that every rule is reported together. */
  @IsString()
  password!: string;

  @IsName()
  name!: string;

  @IsName()
  workspaceName!: string;
}
