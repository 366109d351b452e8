import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { PERMISSIONS, type Permission } from '@kinship/contracts';
import { ErrorResponse } from '../http/error-response.dto.js';

/** Who may call a route: anyone, or an authenticated caller holding one permission. */
export type RouteAccess = { kind: 'public' } | { kind: 'permission'; permission: Permission };

const ROUTE_ACCESS = 'kinship:route-access';

type AccessDecorator = ClassDecorator & MethodDecorator;

function declareAccess(access: RouteAccess): AccessDecorator {
  return (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    const holder: object = descriptor?.value ?? target;
    if (Reflect.hasOwnMetadata(ROUTE_ACCESS, holder)) {
      const name = key === undefined ? (target as { name: string }).name : `${target.constructor.name}.${String(key)}`;
      throw new Error(`${name} declares its access twice; use exactly one of @Public() or @RequirePermission().`);
    }
    Reflect.defineMetadata(ROUTE_ACCESS, access, holder);
  };
}

/** Anyone may call the route, without credentials. */
export function Public(): AccessDecorator {
  return declareAccess({ kind: 'public' });
}

/**
 * Only a caller holding the permission may call the route: a user whose role holds it in the
 * permission matrix, or an API key granted it as a scope. Also documents the route's security.
 */
export function RequirePermission(permission: Permission): AccessDecorator {
  const decorators = [
    declareAccess({ kind: 'permission', permission }),
    ApiBearerAuth(),
    ApiExtension('x-kinship-permission', permission),
    ApiUnauthorizedResponse({ description: 'No valid access token or API key.', type: ErrorResponse }),
    ApiForbiddenResponse({ description: `The caller lacks the permission \`${permission}\`.`, type: ErrorResponse }),
  ];
  if (PERMISSIONS[permission].apiKeyScope) decorators.push(ApiSecurity('apiKey'));
  return applyDecorators(...decorators);
}

/** The access a route declares (on its handler, else on its controller), or undefined when it declares none. */
export function routeAccessOf(handler: object, controller: object): RouteAccess | undefined {
  return (Reflect.getOwnMetadata(ROUTE_ACCESS, handler) ?? Reflect.getOwnMetadata(ROUTE_ACCESS, controller)) as RouteAccess | undefined;
}

/** Marks a controller declared elsewhere (the platform's operations endpoints) public, once. */
export function markControllerPublic(controller: object): void {
  if (!Reflect.hasOwnMetadata(ROUTE_ACCESS, controller)) Reflect.defineMetadata(ROUTE_ACCESS, { kind: 'public' }, controller);
}
