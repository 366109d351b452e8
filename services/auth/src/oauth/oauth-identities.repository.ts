import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AccountLocation } from '../users/users.repository.js';

/** auth.oauth_identities: which account an identity provider's subject signs in to. */
@Injectable()
export class OAuthIdentitiesRepository {
  /** Works outside a workspace transaction, through a SECURITY DEFINER function. */
  async locate(manager: EntityManager, provider: string, subject: string): Promise<AccountLocation | null> {
    const rows: Array<{ user_id: string; workspace_id: string }> = await manager.query('SELECT user_id, workspace_id FROM auth.find_oauth_identity($1, $2)', [
      provider,
      subject,
    ]);
    const row = rows[0];
    return row ? { userId: row.user_id, workspaceId: row.workspace_id } : null;
  }

  async insert(manager: EntityManager, identity: { id: string; workspaceId: string; userId: string; provider: string; subject: string }): Promise<void> {
    await manager.query('INSERT INTO auth.oauth_identities (id, workspace_id, user_id, provider, subject) VALUES ($1, $2, $3, $4, $5)', [
      identity.id,
      identity.workspaceId,
      identity.userId,
      identity.provider,
      identity.subject,
    ]);
  }
}
