import { Injectable } from '@nestjs/common';
import type { AuthEvents, AuthRpc } from '@kinship/contracts';
import { RpcError } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { DomainEvents, type Emit } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import { AuthConfig } from '../auth.config.js';
import { AuditService } from '../audit/audit.service.js';
import { newId } from '@kinship/persistence';
import { EmailVerificationService } from '../email-verification/email-verification.service.js';
import { PasswordHasher } from '../passwords/password-hasher.js';
import { PasswordPolicy } from '../passwords/password-policy.js';
import { SessionTokens } from '../sessions/session-tokens.service.js';
import type { UserRecord } from '../users/user.record.js';
import { UsersRepository } from '../users/users.repository.js';
import { WorkspacesRepository } from '../workspaces/workspaces.repository.js';
import type { RegisterBody, RegisterResponse } from '@kinship/contracts/auth';
import { SignUpProbeThrottle } from './sign-up-probe-throttle.js';

/** The first owner of a new workspace; no password hash for an account of an identity provider. */
export interface NewOwner {
  email: string;
  name: string;
  passwordHash: string | null;
  emailVerifiedAt: Date | null;
}

export function registrationClosedError(): RpcError {
  return new RpcError(403, 'registration_closed', 'Registration is by invitation only.');
}

/** Self-service sign-up: a new workspace and its owner, signed in at once. */
@Injectable()
export class RegistrationService {
  constructor(
    private readonly config: AuthConfig,
    private readonly events: DomainEvents,
    private readonly workspaces: WorkspacesRepository,
    private readonly users: UsersRepository,
    private readonly policy: PasswordPolicy,
    private readonly hasher: PasswordHasher,
    private readonly emailVerification: EmailVerificationService,
    private readonly sessionTokens: SessionTokens,
    private readonly audit: AuditService,
    private readonly probeThrottle: SignUpProbeThrottle,
  ) {}

  async register(input: RegisterBody, context: RequestContext): Promise<RegisterResponse> {
    if (this.config.REGISTRATION_MODE === 'invite') throw registrationClosedError();
    await this.probeThrottle.check(context.ip);
    const email = input.email.toLowerCase();
    const name = input.name.trim();
    this.policy.assertAcceptable(input.password, { email, name });
    // Hashed before the transaction, so no connection waits on argon2.
    const passwordHash = await this.hasher.hash(input.password);
    const workspaceId = newId();
    return this.events
      .transaction(workspaceId, async (manager, emit) => {
        const owner = { email, name, passwordHash, emailVerifiedAt: null };
        const { workspace, user } = await this.createWorkspace(manager, emit, { id: workspaceId, name: input.workspaceName.trim() }, owner, context);
        await this.emailVerification.request(manager, emit, user, user.id);
        const session = await this.sessionTokens.start(manager, user);
        return { user: session.user, workspace, accessToken: session.accessToken, refreshToken: session.refreshToken, expiresIn: session.expiresIn };
      })
      .catch(async (error: unknown) => {
        if (error instanceof RpcError && error.status === 409) await this.probeThrottle.recordConflict(context.ip);
        throw error;
      });
  }

  /**
   * A workspace and its first owner, in the caller's transaction opened on the new workspace's
   * id; also the sign-up path of an identity provider. A taken email is a 409.
   */
  async createWorkspace(
    manager: EntityManager,
    emit: Emit,
    workspace: { id: string; name: string },
    owner: NewOwner,
    context: RequestContext,
  ): Promise<{ workspace: AuthRpc.Workspace; user: UserRecord }> {
    const created = await this.workspaces.insert(manager, workspace);
    const user = await this.users.insert(manager, { id: newId(), workspaceId: workspace.id, role: 'owner', ...owner });
    await emit<AuthEvents.WorkspaceCreated>({
      type: 'workspace.created',
      workspaceId: workspace.id,
      actorId: user.id,
      aggregateId: workspace.id,
      data: { workspaceId: workspace.id, name: created.name, ownerUserId: user.id },
    });
    await emit<AuthEvents.UserRegistered>({
      type: 'user.registered',
      workspaceId: workspace.id,
      actorId: user.id,
      aggregateId: user.id,
      data: { userId: user.id, email: user.email, fullName: user.name, role: user.role, invitationId: null },
    });
    const method = owner.passwordHash === null ? 'oidc' : 'password';
    await this.audit.record(manager, {
      workspaceId: workspace.id,
      actorId: user.id,
      action: 'user.registered',
      target: { type: 'user', id: user.id },
      metadata: { method },
      context,
    });
    return { workspace: created, user };
  }
}
