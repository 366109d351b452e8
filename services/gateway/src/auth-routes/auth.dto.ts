import { ApiProperty } from '@nestjs/swagger';
import type { AuthRpc } from '@kinship/contracts';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { EmailField, NameField, PasswordField, TokenField } from './fields.js';
import { UserResponse } from './users.dto.js';

export class RegisterBody {
  @EmailField() email!: string;
  @PasswordField() password!: string;
  @NameField({ example: 'Ada Lovelace' }) name!: string;
  @NameField({ example: 'Analytical Engines Ltd' }) workspaceName!: string;
}

export class LoginBody {
  @EmailField() email!: string;

  // Any string up to the limit: a sign-in must not reveal the password rules.
  @ApiProperty({ format: 'password', maxLength: 1024 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  password!: string;
}

export class RefreshTokenBody {
  @TokenField() refreshToken!: string;
}

export class ForgotPasswordBody {
  @EmailField() email!: string;
}

export class ResetPasswordBody {
  @TokenField({ description: 'The one-time token from the reset email.' }) token!: string;
  @PasswordField() password!: string;
}

export class VerifyEmailBody {
  @TokenField({ description: 'The one-time token from the verification email.' }) token!: string;
}

export class OAuthParams {
  @ApiProperty({ example: 'google', description: 'A provider the auth service is configured with.' })
  @Matches(/^[a-z][a-z0-9-]{0,31}$/, { message: 'must be a provider name such as google' })
  provider!: string;
}

export class OAuthBody {
  @ApiProperty({ description: 'An OpenID Connect ID token issued by the provider.', maxLength: 8192 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(8192)
  idToken!: string;
}

export class WorkspaceResponse implements AuthRpc.Workspace {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class SessionResponse implements AuthRpc.Session {
  @ApiProperty({ description: 'Send as Authorization: Bearer <accessToken>.' }) accessToken!: string;
  @ApiProperty({ description: 'Opaque; renews the session at POST /auth/refresh, once.' }) refreshToken!: string;
  @ApiProperty({ type: 'integer', description: 'Seconds until the access token expires.', example: 900 }) expiresIn!: number;
  @ApiProperty({ type: UserResponse }) user!: UserResponse;
}

export class RegisterResponse implements AuthRpc.RegisterReply {
  @ApiProperty({ type: UserResponse }) user!: UserResponse;
  @ApiProperty({ type: WorkspaceResponse }) workspace!: WorkspaceResponse;
  @ApiProperty() accessToken!: string;
  @ApiProperty() refreshToken!: string;
  @ApiProperty({ type: 'integer', example: 900 }) expiresIn!: number;
}
