import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { SessionResponse } from '@kinship/contracts/auth';
import { RpcError } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { DomainEvents } from '@kinship/platform';
import type { DataSource, EntityManager } from 'typeorm';
import { AuthConfig } from '../auth.config.js';
import { AuditService } from '../audit/audit.service.js';
import { newId } from '@kinship/persistence';
import { registrationClosedError, RegistrationService } from '../registration/registration.service.js';
import { invalidCredentialsError } from '../sessions/sessions.service.js';
import { SessionTokens } from '../sessions/session-tokens.service.js';
import type { UserRecord } from '../users/user.record.js';
import { UsersRepository } from '../users/users.repository.js';
import type { OAuthSignInRequest } from './oauth-sign-in.request.js';
import { OAuthIdentitiesRepository } from './oauth-identities.repository.js';
import { OidcProviders, type OidcProvider, type VerifiedIdentity } from './oidc-providers.js';

/**
 * Sign-in with an OpenID Connect ID token. The identity already linked signs in; else the
 * account with the same (provider-verified) email is linked and signs in; else, when
 * registration is open, a workspace is created for the person, with them as its owner.
 */
@Injectable()
export class OAuthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AuthConfig,
    private readonly events: DomainEvents,
    private readonly providers: OidcProviders,
    private readonly identities: OAuthIdentitiesRepository,
    private readonly users: UsersRepository,
    private readonly registration: RegistrationService,
    private readonly sessionTokens: SessionTokens,
    private readonly audit: AuditService,
  ) {}

  async signIn(input: OAuthSignInRequest, context: RequestContext): Promise<SessionResponse> {
    const provider = this.providers.find(input.provider);
    if (!provider) throw RpcError.notFound('Identity provider');
    const identity = await this.providers.verify(provider, input.idToken);
    const linked = await this.identities.locate(this.dataSource.manager, provider.name, identity.subject);
    if (linked) return this.signInExisting(provider, identity, linked, context, false);
    const account = await this.users.locate(this.dataSource.manager, identity.email);
    if (account) return this.signInExisting(provider, identity, account, context, true);
    if (this.config.REGISTRATION_MODE !== 'open') throw registrationClosedError();
    return this.signUp(provider, identity, context);
  }

  private async signInExisting(
    provider: OidcProvider,
    identity: VerifiedIdentity,
    account: { userId: string; workspaceId: string },
    context: RequestContext,
    link: boolean,
  ): Promise<SessionResponse> {
    const { workspaceId, userId } = account;
    return this.events.transaction(workspaceId, async (manager) => {
      const user = await this.users.findForUpdate(manager, workspaceId, userId);
      if (!user || user.status !== 'active') throw invalidCredentialsError();
      // Whoever registered an address they do not own must not receive its owner's Google sign-in.
      if (link && !user.emailVerifiedAt) {
        throw new RpcError(
          409,
          'email_not_verified',
          'An account with this email exists but its email is not verified: sign in with its password and verify the email first.',
        );
      }
      if (link) {
        await this.identities.insert(manager, { id: newId(), workspaceId, userId, provider: provider.name, subject: identity.subject });
        await this.audit.record(manager, {
          workspaceId,
          actorId: userId,
          action: 'user.identity_linked',
          target: { type: 'user', id: userId },
          metadata: { provider: provider.name },
          context,
        });
      }
      return this.startSession(manager, provider, user, context);
    });
  }

  private async signUp(provider: OidcProvider, identity: VerifiedIdentity, context: RequestContext): Promise<SessionResponse> {
    const name = identity.name ?? identity.email.split('@')[0]!;
    const workspaceId = newId();
    return this.events.transaction(workspaceId, async (manager, emit) => {
      const workspace = { id: workspaceId, name: `${name}’s workspace`.slice(0, 200) };
      const owner = { email: identity.email, name, passwordHash: null, emailVerifiedAt: new Date() };
      const { user } = await this.registration.createWorkspace(manager, emit, workspace, owner, context);
      await this.identities.insert(manager, { id: newId(), workspaceId, userId: user.id, provider: provider.name, subject: identity.subject });
      return this.startSession(manager, provider, user, context);
    });
  }

  private async startSession(manager: EntityManager, provider: OidcProvider, user: UserRecord, context: RequestContext): Promise<SessionResponse> {
    await this.audit.record(manager, {
      workspaceId: user.workspaceId,
      actorId: user.id,
      action: 'user.signed_in',
      target: { type: 'user', id: user.id },
      metadata: { method: 'oidc', provider: provider.name },
      context,
    });
    return this.sessionTokens.start(manager, user);
  }
}
