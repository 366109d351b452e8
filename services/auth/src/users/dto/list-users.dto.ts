import { ROLES, type AuthRpc } from '@kinship/contracts';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageDto } from '@kinship/messaging';

export class ListUsersDto extends PageDto implements AuthRpc.ListUsersRequest {
  @IsOptional()
  @IsIn(ROLES)
  role?: string | null;

  @IsOptional()
  @IsIn(['active', 'deactivated'])
  status?: string | null;

  /** Matches name or email. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string | null;
}
