import type { Type } from '@nestjs/common';
import {
  API_KEY_OPERATIONS,
  AUDIT_LOG_OPERATIONS,
  EMAIL_VERIFICATION_OPERATIONS,
  INVITATION_OPERATIONS,
  ME_OPERATIONS,
  OAUTH_OPERATIONS,
  PASSWORD_OPERATIONS,
  REGISTRATION_OPERATIONS,
  SESSION_OPERATIONS,
  USER_OPERATIONS,
} from '@kinship/contracts/auth';
import { contractController } from '../contract-routes/contract-controller.js';

/** The routes of API.md "Auth and users", served from auth's contracts. */
export const AUTH_ROUTE_CONTROLLERS: Type[] = [
  contractController('auth', [
    ...REGISTRATION_OPERATIONS,
    ...SESSION_OPERATIONS,
    ...PASSWORD_OPERATIONS,
    ...EMAIL_VERIFICATION_OPERATIONS,
    ...OAUTH_OPERATIONS,
  ]),
  contractController('invitations', INVITATION_OPERATIONS),
  contractController('me', ME_OPERATIONS),
  contractController('users', USER_OPERATIONS),
  contractController('audit-logs', AUDIT_LOG_OPERATIONS),
  contractController('api-keys', API_KEY_OPERATIONS),
];
