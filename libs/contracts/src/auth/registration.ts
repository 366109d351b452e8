import { ApiProperty } from '@nestjs/swagger';
import { defineOperation } from '../operation.js';
import { EmailField, NameField, PasswordField } from './common.js';
import { UserResponse } from './users.js';

export class RegisterBody {
  @EmailField() email!: string;
  @PasswordField() password!: string;
  @NameField({ example: 'Ada Lovelace' }) name!: string;
  @NameField({ example: 'Analytical Engines Ltd' }) workspaceName!: string;
}

export class WorkspaceResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class RegisterResponse {
  @ApiProperty({ type: UserResponse }) user!: UserResponse;
  @ApiProperty({ type: WorkspaceResponse }) workspace!: WorkspaceResponse;
  @ApiProperty() accessToken!: string;
  @ApiProperty() refreshToken!: string;
  @ApiProperty({ type: 'integer', example: 900 }) expiresIn!: number;
}

export const Register = defineOperation({
  pattern: 'auth.registration.register',
  summary: 'Sign up',
  description: 'Creates a workspace with the caller as its owner and signs them in; off when registration is by invitation only (REGISTRATION_MODE=invite).',
  permission: 'public',
  route: { method: 'POST', path: 'auth/register', status: 201 },
  input: RegisterBody,
  output: RegisterResponse,
  errors: [
    { status: 403, description: 'Registration is by invitation only (registration_closed).' },
    { status: 409, description: 'An account with this email already exists.' },
    { status: 429, description: 'Too many sign-ups from this address with emails that have an account; see Retry-After.' },
  ],
});

export const REGISTRATION_OPERATIONS = [Register] as const;
