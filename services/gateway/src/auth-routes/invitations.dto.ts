import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type AuthRpc } from '@kinship/contracts';
import { IsIn } from 'class-validator';
import { EmailField, NameField, PasswordField, TokenField } from './fields.js';

export class CreateInvitationBody implements AuthRpc.CreateInvitationRequest {
  @EmailField() email!: string;

  @ApiProperty({ enum: ROLES, description: 'At or below the inviter’s own role (checked by the auth service).' })
  @IsIn(ROLES)
  role!: string;
}

export class AcceptInvitationBody implements AuthRpc.AcceptInvitationRequest {
  @TokenField({ description: 'The one-time token from the invitation link.' }) token!: string;
  @NameField({ example: 'Grace Hopper' }) name!: string;
  @PasswordField() password!: string;
}

export class InvitationResponse implements AuthRpc.Invitation {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'email' }) email!: string;
  @ApiProperty({ enum: ROLES }) role!: string;
  @ApiProperty({ format: 'uuid', description: 'The inviting user.' }) invitedBy!: string;
  @ApiProperty({ enum: ['pending', 'accepted', 'revoked', 'expired'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class InvitationPageResponse implements AuthRpc.InvitationPage {
  @ApiProperty({ type: [InvitationResponse] }) data!: InvitationResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor?: string | null;
}
