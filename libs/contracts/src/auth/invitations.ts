import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { ROLES, type Role } from '../access.js';
import { PageQuery } from '../fields.js';
import { defineOperation } from '../operation.js';
import { AuthIdParams, EmailField, NameField, PasswordField, TokenField } from './common.js';
import { SessionResponse } from './sessions.js';

export const INVITATION_STATUSES = ['pending', 'accepted', 'revoked', 'expired'] as const;

export class CreateInvitationBody {
  @EmailField() email!: string;

  @ApiProperty({ enum: ROLES, description: 'At or below the inviter’s own role (checked by the auth service).' })
  @IsIn(ROLES)
  role!: Role;
}

export class AcceptInvitationBody {
  @TokenField({ description: 'The one-time token from the invitation link.' }) token!: string;
  @NameField({ example: 'Grace Hopper' }) name!: string;
  @PasswordField() password!: string;
}

export class InvitationResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'email' }) email!: string;
  @ApiProperty({ enum: ROLES }) role!: string;
  @ApiProperty({ format: 'uuid', description: 'The inviting user.' }) invitedBy!: string;
  @ApiProperty({ enum: INVITATION_STATUSES }) status!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class InvitationPageResponse {
  @ApiProperty({ type: [InvitationResponse] }) data!: InvitationResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor?: string | null;
}

export const CreateInvitation = defineOperation({
  pattern: 'auth.invitations.create',
  summary: 'Invite a member',
  description: 'Emails a one-time link, valid 7 days, that lets the invitee join the workspace with the role given.',
  permission: 'invitations:manage',
  route: { method: 'POST', path: 'invitations', status: 201 },
  input: CreateInvitationBody,
  output: InvitationResponse,
  errors: [{ status: 409, description: 'The email already has an account in this workspace, or is being invited right now.' }],
});

export const ListInvitations = defineOperation({
  pattern: 'auth.invitations.list',
  summary: 'List invitations',
  description: 'Pending, accepted and revoked invitations of the workspace, newest first.',
  permission: 'invitations:manage',
  route: { method: 'GET', path: 'invitations', status: 200 },
  input: PageQuery,
  output: InvitationPageResponse,
  errors: [],
});

export const RevokeInvitation = defineOperation({
  pattern: 'auth.invitations.revoke',
  summary: 'Revoke an invitation',
  description: 'Its link can no longer be accepted.',
  permission: 'invitations:manage',
  route: { method: 'DELETE', path: 'invitations/:id', status: 204 },
  params: AuthIdParams,
  errors: [
    { status: 404, description: 'No invitation with this id in the workspace.' },
    { status: 409, description: 'The invitation has been accepted; deactivate the member instead.' },
  ],
});

export const AcceptInvitation = defineOperation({
  pattern: 'auth.invitations.accept',
  summary: 'Accept an invitation',
  description: 'With the token of the invitation link: creates the account in the inviting workspace and signs it in.',
  permission: 'public',
  route: { method: 'POST', path: 'invitations/accept', status: 201 },
  input: AcceptInvitationBody,
  output: SessionResponse,
  errors: [
    { status: 400, description: 'The token is unknown, used, revoked or expired (invalid_token).' },
    { status: 409, description: 'An account with this email already exists.' },
  ],
});

export const INVITATION_OPERATIONS = [CreateInvitation, ListInvitations, RevokeInvitation, AcceptInvitation] as const;
