import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PERMISSIONS, ROLES, type Permission, type Role } from '../access.js';
import { PageQuery } from '../fields.js';
import type { User } from '../generated/kinship/auth/v1/rpc.js';
import { defineOperation } from '../operation.js';
import { AuthIdParams } from './common.js';

export const USER_STATUSES = ['active', 'deactivated'] as const;

const NO_MEMBER = { status: 404, description: 'No member with this id in the workspace.' } as const;
const LAST_OWNER = { status: 409, description: 'The workspace must keep at least one active owner (last_owner).' } as const;

export class UserResponse implements User {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) workspaceId!: string;
  @ApiProperty({ format: 'email' }) email!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ROLES }) role!: string;
  @ApiProperty({ enum: USER_STATUSES }) status!: string;
  @ApiPropertyOptional({ type: String, format: 'uri', nullable: true, description: 'An image elsewhere, as the user gave it.' }) avatarUrl?: string | null;
  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'An uploaded image file (GET /files/:id/thumbnail serves it); shown in preference to avatarUrl.',
  })
  avatarFileId?: string | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) emailVerifiedAt?: string | null;
  @ApiPropertyOptional({
    type: String,
    format: 'email',
    nullable: true,
    description: 'Only in GET and PATCH /me: an address the user asked to move to; `email` stays the account’s until a link sent to this one is followed.',
  })
  pendingEmail?: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class UserPageResponse {
  @ApiProperty({ type: [UserResponse] }) data!: UserResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor?: string | null;
}

export class ListUsersQuery extends PageQuery {
  @ApiPropertyOptional({ type: String, enum: ROLES }) @IsOptional() @IsIn(ROLES) role?: string | null;
  @ApiPropertyOptional({ type: String, enum: USER_STATUSES }) @IsOptional() @IsIn(USER_STATUSES) status?: string | null;
  @ApiPropertyOptional({ type: String, description: 'Matches name or email.', maxLength: 200 }) @IsOptional() @IsString() @MaxLength(200) q?: string | null;
}

export class UpdateUserBody {
  @ApiProperty({ enum: ROLES, description: 'Only roles at or below the caller’s own (checked by the auth service).' })
  @IsIn(ROLES)
  role!: Role;
}

export const ListUsers = defineOperation({
  pattern: 'auth.users.list',
  summary: 'List members',
  description: 'The workspace’s members with their roles.',
  permission: 'users:read',
  route: { method: 'GET', path: 'users', status: 200 },
  input: ListUsersQuery,
  output: UserPageResponse,
  errors: [],
});

export const GetUser = defineOperation({
  pattern: 'auth.users.get',
  summary: 'Read a member',
  description: 'One member of the workspace.',
  permission: 'users:read',
  route: { method: 'GET', path: 'users/:id', status: 200 },
  params: AuthIdParams,
  output: UserResponse,
  errors: [NO_MEMBER],
});

export const UpdateUser = defineOperation({
  pattern: 'auth.users.update',
  summary: 'Change a member’s role',
  description: 'Gives the member another role; the workspace keeps at least one active owner.',
  permission: 'users:manage',
  route: { method: 'PATCH', path: 'users/:id', status: 200 },
  params: AuthIdParams,
  input: UpdateUserBody,
  output: UserResponse,
  errors: [NO_MEMBER, LAST_OWNER],
});

export const DeactivateUser = defineOperation({
  pattern: 'auth.users.deactivate',
  summary: 'Deactivate a member',
  description: 'Soft: every session of the member ends and they can no longer sign in.',
  permission: 'users:manage',
  route: { method: 'DELETE', path: 'users/:id', status: 204 },
  params: AuthIdParams,
  errors: [NO_MEMBER, LAST_OWNER],
});

export const USER_OPERATIONS = [ListUsers, GetUser, UpdateUser, DeactivateUser] as const;

/** The caller with what their role may do, so a client hides exactly what would be refused. */
export class MeResponse extends UserResponse {
  @ApiProperty({
    enum: Object.keys(PERMISSIONS),
    isArray: true,
    description: 'What the caller’s role may do (docs/permissions.md); a client hides or disables the rest.',
  })
  permissions!: Permission[];
}
