import { HttpException, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { PERMISSIONS, roleHolds, scopesGrant, type Permission } from '@kinship/contracts';
import type { FastifyRequest } from 'fastify';
import { BearerTokenAuthenticator } from './bearer-token.authenticator.js';
import { ApiKeyAuthenticator } from './api-key.authenticator.js';
import type { AuthenticatedCaller } from './authenticated-caller.js';
import { routeAccessOf } from './route-access.js';

function unauthorized(message: string): HttpException {
  return new HttpException({ code: 'unauthorized', message, details: [] }, 401);
}

function forbidden(message: string, permission?: Permission): HttpException {
  const details = permission ? [{ issue: 'missing_permission', permission }] : [];
  return new HttpException({ code: 'forbidden', message, details }, 403);
}

function holds(caller: AuthenticatedCaller, permission: Permission): boolean {
  if (caller.kind === 'user') return roleHolds(caller.role, permission);
  // A key only ever acts with scopes a key may be granted, whatever it claims. One limited to some
  // custom objects passes a records route; crm refuses the objects it is not granted.
  return PERMISSIONS[permission].apiKeyScope && scopesGrant(caller.scopes, permission);
}

/**
 * Deny by default, on every route: a public route passes; any other needs an authenticated
 * caller (access token or API key, set as `request.caller`) holding the route's permission. A
 * route that declares neither is refused to everyone. The credential sent names its authenticator
 * (a request with both is refused), which is called directly: passport's authenticate() built a
 * middleware, a strategy object and a promise per request to try the two in turn.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly accessTokens: BearerTokenAuthenticator,
    private readonly apiKeys: ApiKeyAuthenticator,
  ) {}

  async canActivate(execution: ExecutionContext): Promise<boolean> {
    const access = routeAccessOf(execution.getHandler(), execution.getClass());
    if (access?.kind === 'public') return true;
    if (access === undefined) throw forbidden('This route declares no permission, so nobody may call it.');

    const request = execution.switchToHttp().getRequest<FastifyRequest>();
    const hasToken = request.headers.authorization !== undefined;
    const hasKey = request.headers['x-api-key'] !== undefined;
    if (!hasToken && !hasKey) throw unauthorized('Authentication required: send Authorization: Bearer <access token> or X-Api-Key: <key>.');
    if (hasToken && hasKey) throw unauthorized('Send either an access token or an API key, not both.');
    // Null refuses the credential (401); a thrown error is a fault (503 when the keys or Redis cannot be had).
    const caller: AuthenticatedCaller | null = hasToken ? await this.accessTokens.validate(request) : await this.apiKeys.validate(request);
    if (!caller) {
      throw hasToken
        ? unauthorized('The access token is not valid: malformed, expired, wrongly signed or revoked.')
        : unauthorized('The API key is not valid.');
    }
    request.caller = caller;

    if (holds(caller, access.permission)) return true;
    if (caller.kind === 'user') throw forbidden(`Your role (${caller.role}) does not have the permission ${access.permission}.`, access.permission);
    if (!PERMISSIONS[access.permission].apiKeyScope)
      throw forbidden(`Only a signed-in user can do this; ${access.permission} cannot be granted to an API key.`, access.permission);
    throw forbidden(`This API key does not have the scope ${access.permission}.`, access.permission);
  }
}
