import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { AuthRpc } from '@kinship/contracts';
import type { RequestContext } from '@kinship/observability';
import { withWorkspace } from '@kinship/persistence';
import type { DataSource, EntityManager } from 'typeorm';
import { newId } from '@kinship/persistence';
import { pagePosition, toPage } from '@kinship/messaging';
import { AuditRepository, type AuditLogRow } from './audit.repository.js';
import type { ListAuditLogsQuery } from '@kinship/contracts/auth';

export type AuditAction =
  | 'user.registered'
  | 'user.signed_in'
  | 'user.sign_in_failed'
  | 'user.identity_linked'
  | 'user.role_changed'
  | 'user.deactivated'
  | 'user.password_changed'
  | 'invitation.created'
  | 'invitation.revoked'
  | 'invitation.accepted'
  | 'api_key.created'
  | 'api_key.revoked';

export interface AuditEntry {
  /** null only for what concerns no workspace: a failed sign-in of an unknown email. */
  workspaceId: string | null;
  actorId: string | null;
  action: AuditAction;
  target?: { type: 'user' | 'invitation' | 'api_key'; id: string };
  /** Never a password, hash or token. */
  metadata?: Record<string, unknown>;
  /** Where the request came from: its client address and User-Agent. */
  context: RequestContext;
}

const MAX_USER_AGENT_LENGTH = 512;
const MAX_IP_LENGTH = 64;

function toAuditLog(row: AuditLogRow): AuthRpc.AuditLog {
  return {
    id: row.id,
    actorId: row.actorId,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    ip: row.ip,
    userAgent: row.userAgent,
    metadata: row.metadata,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Who did what, to what, when and from where: written with the change it records. */
@Injectable()
export class AuditService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditRepository,
  ) {}

  /** Writes the entry in the caller's transaction, so it exists exactly when the change does. */
  async record(manager: EntityManager, entry: AuditEntry): Promise<void> {
    await this.audit.insert(manager, {
      id: newId(),
      workspaceId: entry.workspaceId,
      actorId: entry.actorId,
      action: entry.action,
      targetType: entry.target?.type ?? null,
      targetId: entry.target?.id ?? null,
      ip: entry.context.ip?.slice(0, MAX_IP_LENGTH) ?? null,
      userAgent: entry.context.userAgent?.slice(0, MAX_USER_AGENT_LENGTH) ?? null,
      metadata: entry.metadata ?? {},
    });
  }

  async list(workspaceId: string, query: ListAuditLogsQuery): Promise<AuthRpc.AuditLogPage> {
    const position = pagePosition(query);
    const filter = { userId: query.userId ?? null, action: query.action ?? null, from: query.from ?? null, to: query.to ?? null };
    const rows = await withWorkspace(this.dataSource, workspaceId, (manager) => this.audit.list(manager, workspaceId, filter, position));
    return toPage(rows, position, toAuditLog);
  }
}
