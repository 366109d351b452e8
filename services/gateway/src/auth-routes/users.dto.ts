import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PERMISSIONS, ROLES, type AuthRpc, type Permission } from '@kinship/contracts';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from './fields.js';

export const USER_STATUSES = ['active', 'deactivated'] as const;

export class UserResponse implements AuthRpc.User {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) workspaceId!: string;
  @ApiProperty({ format: 'email' }) email!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ROLES }) role!: string;
  @ApiProperty({ enum: USER_STATUSES }) status!: string;
  @ApiPropertyOptional({ type: String, format: 'uri', nullable: true }) avatarUrl?: string | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) emailVerifiedAt?: string | null;
  @ApiPropertyOptional({ type: String, format: 'email', nullable: true, description: 'Only in GET and PATCH /me: an address the user asked to move to; `email` stays the account’s until a link sent to this one is followed.' })
  pendingEmail?: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class MeResponse extends UserResponse {
  @ApiProperty({ enum: Object.keys(PERMISSIONS), isArray: true, description: 'What the caller’s role may do (docs/permissions.md); a client hides or disables the rest.' })
  permissions!: Permission[];
}

export class UserPageResponse implements AuthRpc.UserPage {
  @ApiProperty({ type: [UserResponse] }) data!: UserResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor?: string | null;
}

export class ListUsersQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: string;

  @ApiPropertyOptional({ enum: USER_STATUSES })
  @IsOptional()
  @IsIn(USER_STATUSES)
  status?: string;

  @ApiPropertyOptional({ description: 'Matches name or email.', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

export class UpdateUserBody {
  @ApiProperty({ enum: ROLES, description: 'Only roles at or below the caller’s own (checked by the auth service).' })
  @IsIn(ROLES)
  role!: string;
}
