import type { AuthRpc } from '@kinship/contracts';
import { IsString } from 'class-validator';
import { IsName, IsToken } from '../../common/fields.js';

export class AcceptInvitationDto implements AuthRpc.AcceptInvitationRequest {
  @IsToken()
  token!: string;

  @IsName()
  name!: string;

  /** The rest of the policy: PasswordPolicy. */
  @IsString()
  password!: string;
}
