import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ROLE_RANK, type AuthEvents, type AuthRpc } from '@kinship/contracts';
import { RpcError } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { withWorkspace } from '@kinship/persistence';
import { DomainEvents } from '@kinship/platform';
import type { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { UserCaller } from '@kinship/messaging';
import { violatesUnique } from '@kinship/persistence';
import { isUuid, newId } from '@kinship/persistence';
import { invalidTokenError, readToken } from '../common/opaque-tokens.js';
import { pagePosition, toPage, type PageDto } from '@kinship/messaging';
import { PasswordHasher } from '../passwords/password-hasher.js';
import { PasswordPolicy } from '../passwords/password-policy.js';
import { SessionTokens } from '../sessions/session-tokens.service.js';
import { loadActorWith } from '../users/actor.js';
import { UsersRepository } from '../users/users.repository.js';
import type { AcceptInvitationBody, CreateInvitationBody, SessionResponse } from '@kinship/contracts/auth';
import { invitationStatus, InvitationsRepository, toInvitation } from './invitations.repository.js';

const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

function invitationNotFound(): RpcError {
  return RpcError.notFound('Invitation');
}

/**
 * Invitations by email: a one-time link valid 7 days, for a role at or below the inviter's.
 * Inviting an address that already has an open invitation in the workspace replaces it (the
 * old link stops working), so "invite again" doubles as "resend".
 */
@Injectable()
export class InvitationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    private readonly invitations: InvitationsRepository,
    private readonly users: UsersRepository,
    private readonly policy: PasswordPolicy,
    private readonly hasher: PasswordHasher,
    private readonly sessionTokens: SessionTokens,
    private readonly audit: AuditService,
  ) {}

  async create(caller: UserCaller, input: CreateInvitationBody, context: RequestContext): Promise<AuthRpc.Invitation> {
    const { workspaceId } = caller;
    const email = input.email.toLowerCase();
    return this.events.transaction(workspaceId, async (manager, emit) => {
      const actor = await loadActorWith(this.users, manager, caller, 'invitations:manage');
      if (ROLE_RANK[input.role] > ROLE_RANK[actor.role]) throw RpcError.forbidden('You can only invite to roles at or below your own.');
      // A person has one account, in one workspace. A member of this workspace is named (the
      // inviter can list them anyway); an account elsewhere is invited like a new address, so the
      // answer tells nothing about other workspaces, and accepting is refused to the address's owner.
      const existing = await this.users.locate(manager, email);
      if (existing?.workspaceId === workspaceId) {
        throw RpcError.conflict('This email already has an account in this workspace.', [
          { field: 'email', issue: 'already has an account', existingId: existing.userId },
        ]);
      }
      const replacedInvitationIds = await this.invitations.revokeOpen(manager, workspaceId, email);
      // The token is minted when notifications sends the email (auth.one-time-tokens.issue), so the event carries none.
      const expiresAt = new Date(Date.now() + INVITATION_TTL_MS);
      const invitation = await this.invitations
        .insert(manager, { id: newId(), workspaceId, email, role: input.role, invitedBy: actor.id, expiresAt })
        .catch((error: unknown) => {
          throw violatesUnique(error, 'invitations_open_email_key')
            ? RpcError.conflict('This email is being invited right now.', [{ field: 'email', issue: 'is being invited' }])
            : error;
        });
      await emit<AuthEvents.UserInvited>({
        type: 'user.invited',
        workspaceId,
        actorId: actor.id,
        aggregateId: invitation.id,
        data: { invitationId: invitation.id, email, role: input.role, invitedBy: actor.id, expiresAt: expiresAt.toISOString() },
      });
      await this.audit.record(manager, {
        workspaceId,
        actorId: actor.id,
        action: 'invitation.created',
        target: { type: 'invitation', id: invitation.id },
        metadata: { email, role: input.role, replacedInvitationIds },
        context,
      });
      return toInvitation(invitation);
    });
  }

  async list(workspaceId: string, page: PageDto): Promise<AuthRpc.InvitationPage> {
    const position = pagePosition(page);
    const rows = await withWorkspace(this.dataSource, workspaceId, (manager) => this.invitations.list(manager, workspaceId, position));
    return toPage(rows, position, toInvitation);
  }

  /** Stops the link working; revoking a revoked or expired invitation again changes nothing. */
  async revoke(caller: UserCaller, id: string, context: RequestContext): Promise<Record<string, never>> {
    if (!isUuid(id)) throw invitationNotFound();
    const { workspaceId } = caller;
    await this.events.transaction(workspaceId, async (manager) => {
      const actor = await loadActorWith(this.users, manager, caller, 'invitations:manage');
      const invitation = await this.invitations.findForUpdate(manager, workspaceId, id);
      if (!invitation) throw invitationNotFound();
      if (invitation.acceptedAt)
        throw RpcError.conflict('This invitation has been accepted; deactivate the member instead.', [{ field: 'id', issue: 'is accepted' }]);
      if (invitation.revokedAt) return;
      await this.invitations.markRevoked(manager, workspaceId, id);
      await this.audit.record(manager, {
        workspaceId,
        actorId: actor.id,
        action: 'invitation.revoked',
        target: { type: 'invitation', id },
        metadata: { email: invitation.email },
        context,
      });
    });
    return {};
  }

  /**
   * Creates the account in the inviting workspace with the invited role, its email verified (the
   * link reached it), and signs it in. A password the policy refuses leaves the invitation open;
   * an address that has an account (here or in another workspace) is a 409, told only to whoever
   * holds the link, that is, the address's owner.
   */
  async accept(input: AcceptInvitationBody, context: RequestContext): Promise<SessionResponse> {
    const presented = readToken('kiv', input.token);
    if (!presented) throw invalidTokenError();
    const { workspaceId } = presented;
    const name = input.name.trim();
    return this.events.transaction(workspaceId, async (manager, emit) => {
      const invitation = await this.invitations.findByTokenForUpdate(manager, workspaceId, presented.hash);
      if (!invitation || invitationStatus(invitation) !== 'pending') throw invalidTokenError();
      this.policy.assertAcceptable(input.password, { email: invitation.email, name });
      const passwordHash = await this.hasher.hash(input.password);
      const user = await this.users.insert(manager, {
        id: newId(),
        workspaceId,
        email: invitation.email,
        name,
        role: invitation.role,
        passwordHash,
        emailVerifiedAt: new Date(),
      });
      await this.invitations.markAccepted(manager, workspaceId, invitation.id, user.id);
      await emit<AuthEvents.UserRegistered>({
        type: 'user.registered',
        workspaceId,
        actorId: user.id,
        aggregateId: user.id,
        data: { userId: user.id, email: user.email, fullName: user.name, role: user.role, invitationId: invitation.id },
      });
      await this.audit.record(manager, {
        workspaceId,
        actorId: user.id,
        action: 'invitation.accepted',
        target: { type: 'invitation', id: invitation.id },
        metadata: { userId: user.id, role: user.role },
        context,
      });
      await this.audit.record(manager, {
        workspaceId,
        actorId: user.id,
        action: 'user.registered',
        target: { type: 'user', id: user.id },
        metadata: { method: 'invitation', invitationId: invitation.id },
        context,
      });
      return this.sessionTokens.start(manager, user);
    });
  }
}
