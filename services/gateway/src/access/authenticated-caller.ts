import type { Role } from '@kinship/contracts';

/** A user signed in with an access token: acts with the permissions of their role. */
export interface UserCaller {
  kind: 'user';
  workspaceId: string;
  userId: string;
  role: Role;
  sessionId: string;
  scopes: [];
}

/** A partner's API key: acts in its workspace with its scopes only, as no user. */
export interface ApiKeyCaller {
  kind: 'api-key';
  workspaceId: string;
  keyId: string;
  userId: null;
  role: null;
  /** Permissions, and object scopes (`records:read:<object>`) that crm checks per object. */
  scopes: string[];
}

/** Who a request comes from once authentication has accepted its credentials. */
export type AuthenticatedCaller = UserCaller | ApiKeyCaller;

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by AccessGuard on every route that is not public. */
    caller?: AuthenticatedCaller;
  }
}
