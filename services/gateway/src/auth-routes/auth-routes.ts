import { ApiKeysController } from './api-keys.controller.js';
import { AuditLogsController } from './audit-logs.controller.js';
import { AuthController } from './auth.controller.js';
import { InvitationsController } from './invitations.controller.js';
import { MeController } from './me.controller.js';
import { UsersController } from './users.controller.js';

/** The routes of API.md "Auth and users", each forwarding to the auth service. */
export const AUTH_ROUTE_CONTROLLERS = [AuthController, InvitationsController, MeController, UsersController, AuditLogsController, ApiKeysController];
