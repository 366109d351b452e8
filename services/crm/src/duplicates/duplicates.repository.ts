import { Injectable } from '@nestjs/common';
import { isUuid } from '@kinship/persistence';
import type { EntityManager } from 'typeorm';
import { CONTACT_COLUMNS, type ContactRow } from '../contacts/contact.model.js';
import type { DuplicateReason } from '@kinship/contracts/crm';

/** At most this many contacts are listed per group; `count` says how many share the key. */
export const GROUP_CONTACTS_MAX = 50;

interface KeyPart {
  sql: string;
  cast: 'text' | 'uuid';
}

/**
 * What contacts of a group share, as expressions of the duplicate indexes (migration
 * 1764634600000), in their order. Emails compare trimmed and case-insensitively, names
 * case-insensitively and only within one company.
 */
const KEYS: Record<DuplicateReason, { parts: KeyPart[]; present: string }> = {
  email: { parts: [{ sql: 'lower(trim(email))', cast: 'text' }], present: 'email IS NOT NULL' },
  phone: { parts: [{ sql: 'phone', cast: 'text' }], present: 'phone IS NOT NULL' },
  name_company: {
    parts: [
      { sql: 'company_id', cast: 'uuid' },
      { sql: 'lower(trim(first_name))', cast: 'text' },
      { sql: 'lower(trim(last_name))', cast: 'text' },
    ],
    present: 'company_id IS NOT NULL AND first_name IS NOT NULL AND last_name IS NOT NULL',
  },
};

/** Whether `key` is a key of the reason's groups: one text per part, the uuid parts uuids. */
export function isKeyOf(reason: DuplicateReason, key: unknown): key is string[] {
  const { parts } = KEYS[reason];
  return (
    Array.isArray(key) &&
    key.length === parts.length &&
    parts.every((part, index) => (part.cast === 'uuid' ? isUuid(key[index]) : typeof key[index] === 'string'))
  );
}

export interface DuplicateGroupRow {
  /** The shared key, part by part as text: where the next page starts. */
  key: string[];
  count: number;
  /** Oldest first, at most GROUP_CONTACTS_MAX. */
  contactIds: string[];
}

/** Reads behind GET /contacts/duplicates and POST /contacts/:id/merge. */
@Injectable()
export class DuplicatesRepository {
  /**
   * Groups of two or more live contacts sharing the reason's key, in key order after `after`.
   * A GROUP BY over the index in its order: the scan stops once `limit` groups are found.
   */
  async groups(manager: EntityManager, workspaceId: string, reason: DuplicateReason, after: string[] | null, limit: number): Promise<DuplicateGroupRow[]> {
    const { parts, present } = KEYS[reason];
    const parameters: unknown[] = [workspaceId];
    const keys = parts.map((part) => part.sql).join(', ');
    let start = '';
    if (after) {
      const placeholders = parts.map((part, index) => {
        parameters.push(after[index]);
        return `$${parameters.length}::${part.cast}`;
      });
      start = `AND (${keys}) > (${placeholders.join(', ')})`;
    }
    parameters.push(limit);
    const rows: Array<{ key: string[]; count: number; contactIds: string[] }> = await manager.query(
      `SELECT ARRAY[${parts.map((part) => `${part.sql}::text`).join(', ')}] AS key, count(*)::int AS count,
              (array_agg(id ORDER BY created_at, id))[1:${GROUP_CONTACTS_MAX}] AS "contactIds"
       FROM crm.contacts
       WHERE workspace_id = $1 AND deleted_at IS NULL AND ${present} ${start}
       GROUP BY ${keys} HAVING count(*) > 1
       ORDER BY ${keys}
       LIMIT $${parameters.length}`,
      parameters,
    );
    return rows;
  }

  async contacts(manager: EntityManager, workspaceId: string, ids: string[]): Promise<ContactRow[]> {
    return manager.query(`SELECT ${CONTACT_COLUMNS} FROM crm.contacts r WHERE r.workspace_id = $1 AND r.id = ANY($2::uuid[])`, [workspaceId, ids]);
  }

  /** Both contacts, live or deleted, locked in id order so that two merges of the same pair cannot deadlock. */
  async lockPair(manager: EntityManager, workspaceId: string, ids: [string, string]): Promise<ContactRow[]> {
    return manager.query(`SELECT ${CONTACT_COLUMNS} FROM crm.contacts r WHERE r.workspace_id = $1 AND r.id = ANY($2::uuid[]) ORDER BY r.id FOR UPDATE`, [
      workspaceId,
      ids,
    ]);
  }

  /** The merged contact leaves the live ones first, freeing its email and phone for the survivor. */
  async markMerged(manager: EntityManager, workspaceId: string, mergedId: string, survivorId: string): Promise<void> {
    await manager.query(`UPDATE crm.contacts SET deleted_at = now(), updated_at = now(), merged_into_id = $3 WHERE workspace_id = $1 AND id = $2`, [
      workspaceId,
      mergedId,
      survivorId,
    ]);
  }

  /**
   * Points what belonged to the merged contact at the survivor: notes, tasks and tickets (deleted ones
   * too, so a restore finds them in the right place), deal and segment memberships (once each),
   * and the timeline entries other services' events left.
   */
  async moveRelations(manager: EntityManager, workspaceId: string, mergedId: string, survivorId: string): Promise<void> {
    const parameters = [workspaceId, mergedId, survivorId];
    await manager.query(`UPDATE crm.notes SET related_id = $3 WHERE workspace_id = $1 AND related_type = 'contact' AND related_id = $2`, parameters);
    await manager.query(`UPDATE crm.tasks SET related_id = $3 WHERE workspace_id = $1 AND related_type = 'contact' AND related_id = $2`, parameters);
    await manager.query(`UPDATE crm.tickets SET contact_id = $3 WHERE workspace_id = $1 AND contact_id = $2`, parameters);
    for (const [table, other] of [
      ['deal_contacts', 'deal_id'],
      ['segment_contacts', 'segment_id'],
    ] as const) {
      await manager.query(
        `INSERT INTO crm.${table} (workspace_id, ${other}, contact_id)
         SELECT workspace_id, ${other}, $3 FROM crm.${table} WHERE workspace_id = $1 AND contact_id = $2
         ON CONFLICT DO NOTHING`,
        parameters,
      );
      await manager.query(`DELETE FROM crm.${table} WHERE workspace_id = $1 AND contact_id = $2`, [workspaceId, mergedId]);
    }
    await manager.query(
      `UPDATE crm.timeline_entries e SET subject_id = $3
       WHERE e.workspace_id = $1 AND e.subject_type = 'contact' AND e.subject_id = $2
         AND NOT EXISTS (SELECT 1 FROM crm.timeline_entries s WHERE s.source_event_id = e.source_event_id AND s.subject_type = 'contact' AND s.subject_id = $3)`,
      parameters,
    );
  }

  async recordMerge(
    manager: EntityManager,
    entry: { id: string; workspaceId: string; survivorId: string; actorId: string | null; data: { mergedContactId: string; fieldsTaken: string[] } },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO crm.timeline_entries (id, workspace_id, subject_type, subject_id, kind, occurred_at, actor_id, data)
       VALUES ($1, $2, 'contact', $3, 'contact_merged', now(), $4, $5::jsonb)`,
      [entry.id, entry.workspaceId, entry.survivorId, entry.actorId, JSON.stringify(entry.data)],
    );
  }
}
