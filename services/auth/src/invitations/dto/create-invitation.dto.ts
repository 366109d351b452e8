import { ROLES, type AuthRpc, type Role } from '@kinship/contracts';
import { IsIn } from 'class-validator';
import { IsEmailAddress } from '../../common/fields.js';

export class CreateInvitationDto implements AuthRpc.CreateInvitationRequest {
  @IsEmailAddress()
  email!: string;

  @IsIn(ROLES)
  role!: Role;
}
