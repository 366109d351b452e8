import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isPermission, onlyOwnRecords, readObjectScope, roleHolds, type AuthRpc, type Permission, type Role } from '@kinship/contracts';
import { RpcError } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { withWorkspace } from '@kinship/persistence';
import { DomainEvents } from '@kinship/platform';
import type { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { UserCaller } from '@kinship/messaging';
import { isUuid, newId } from '@kinship/persistence';
import { issueToken, readToken } from '../common/opaque-tokens.js';
import { pagePosition, toPage, type PageDto } from '@kinship/messaging';
import { loadActorWith } from '../users/actor.js';
import { UsersRepository } from '../users/users.repository.js';
import { ApiKeysRepository, toApiKey } from './api-keys.repository.js';
import type { CreateApiKeyBody, CreatedApiKeyResponse } from '@kinship/contracts/auth';

/** `kak_` and the workspace part are the same for every key of a workspace; 8 secret characters tell keys apart. */
const PREFIX_LENGTH = 'kak_'.length + 22 + 1 + 8;
/** last_used_at is written at most this often per key, so verifying stays a read. */
const LAST_USED_RESOLUTION_MS = 60_000;

function apiKeyNotFound(): RpcError {
  return RpcError.notFound('API key');
}

function invalidApiKeyError(): RpcError {
  return new RpcError(401, 'invalid_api_key', 'The API key is invalid or has been revoked.');
}

/**
 * What a key may do now: its scopes that its creator's current role holds for every record (an
 * object scope by its permission). A key acts as no user, so a permission the role holds only for
 * its own records is not passed on.
 */
function effectiveScopes(scopes: string[], creatorRole: Role): string[] {
  return scopes.filter((scope) => {
    const permission: Permission | undefined = isPermission(scope) ? scope : readObjectScope(scope)?.permission;
    return permission !== undefined && roleHolds(creatorRole, permission) && !onlyOwnRecords(creatorRole, permission);
  });
}

/** Keys for partners' programs: shown once, stored as SHA-256, limited to scopes, revocable. */
@Injectable()
export class ApiKeysService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    private readonly apiKeys: ApiKeysRepository,
    private readonly users: UsersRepository,
    private readonly audit: AuditService,
  ) {}

  async create(caller: UserCaller, input: CreateApiKeyBody, context: RequestContext): Promise<CreatedApiKeyResponse> {
    const { workspaceId } = caller;
    return this.events.transaction(workspaceId, async (manager) => {
      const actor = await loadActorWith(this.users, manager, caller, 'api-keys:manage');
      const issued = issueToken('kak', workspaceId);
      const row = await this.apiKeys.insert(manager, {
        id: newId(),
        workspaceId,
        name: input.name.trim(),
        prefix: issued.token.slice(0, PREFIX_LENGTH),
        keyHash: issued.hash,
        scopes: input.scopes,
        createdBy: actor.id,
      });
      await this.audit.record(manager, {
        workspaceId,
        actorId: actor.id,
        action: 'api_key.created',
        target: { type: 'api_key', id: row.id },
        metadata: { name: row.name, scopes: row.scopes },
        context,
      });
      return { apiKey: toApiKey(row), key: issued.token };
    });
  }

  async list(workspaceId: string, page: PageDto): Promise<AuthRpc.ApiKeyPage> {
    const position = pagePosition(page);
    const rows = await withWorkspace(this.dataSource, workspaceId, (manager) => this.apiKeys.list(manager, workspaceId, position));
    return toPage(rows, position, toApiKey);
  }

  /** Revoking a revoked key again changes nothing. */
  async revoke(caller: UserCaller, id: string, context: RequestContext): Promise<Record<string, never>> {
    if (!isUuid(id)) throw apiKeyNotFound();
    const { workspaceId } = caller;
    await this.events.transaction(workspaceId, async (manager) => {
      const actor = await loadActorWith(this.users, manager, caller, 'api-keys:manage');
      const key = await this.apiKeys.findForUpdate(manager, workspaceId, id);
      if (!key) throw apiKeyNotFound();
      if (key.revokedAt) return;
      await this.apiKeys.markRevoked(manager, workspaceId, id);
      await this.audit.record(manager, {
        workspaceId,
        actorId: actor.id,
        action: 'api_key.revoked',
        target: { type: 'api_key', id },
        metadata: { name: key.name },
        context,
      });
    });
    return {};
  }

  /** For the gateway, on every request with X-Api-Key: whose key it is and what it may do. */
  async verify(key: string): Promise<AuthRpc.VerifiedApiKey> {
    const presented = readToken('kak', key);
    if (!presented) throw invalidApiKeyError();
    const { workspaceId } = presented;
    const row = await withWorkspace(this.dataSource, workspaceId, async (manager) => {
      const found = await this.apiKeys.findUsableByHash(manager, workspaceId, presented.hash);
      if (!found || found.revokedAt) return null;
      if (!found.lastUsedAt || Date.now() - found.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) await this.apiKeys.touch(manager, workspaceId, found.id);
      return found;
    });
    if (!row) throw invalidApiKeyError();
    return { keyId: row.id, workspaceId, scopes: effectiveScopes(row.scopes, row.creatorRole), createdBy: row.createdBy };
  }
}
