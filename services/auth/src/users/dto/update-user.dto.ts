import { ROLES, type AuthRpc, type Role } from '@kinship/contracts';
import { IsIn } from 'class-validator';
import { IdDto } from '../../common/id.dto.js';

export class UpdateUserDto extends IdDto implements AuthRpc.UpdateUserRequest {
  @IsIn(ROLES)
  role!: Role;
}
