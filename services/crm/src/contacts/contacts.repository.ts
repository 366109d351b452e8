import { Injectable } from '@nestjs/common';
import { updateReturning } from '@kinship/persistence';
import type { EntityManager } from 'typeorm';
import { CONTACT_COLUMNS, type ContactRow, type ContactValues, type NewContact } from './contact.model.js';

const VALUE_COLUMNS: Array<[keyof ContactValues, string, string?]> = [
  ['firstName', 'first_name'],
  ['lastName', 'last_name'],
  ['email', 'email'],
  ['phone', 'phone'],
  ['phoneExtension', 'phone_extension'],
  ['emails', 'emails', 'jsonb'],
  ['phones', 'phones', 'jsonb'],
  ['address', 'address', 'jsonb'],
  ['website', 'website'],
  ['linkedinUrl', 'linkedin_url'],
  ['timezone', 'timezone'],
  ['birthday', 'birthday', 'date'],
  ['jobTitle', 'job_title'],
  ['companyId', 'company_id', 'uuid'],
  ['companyName', 'company_name'],
  ['ownerId', 'owner_id', 'uuid'],
  ['lifecycleStage', 'lifecycle_stage'],
  ['leadSource', 'lead_source'],
  ['customerSince', 'customer_since', 'date'],
  ['tags', 'tags', 'text[]'],
  ['customFields', 'custom_fields', 'jsonb'],
  ['emailOptOut', 'email_opt_out', 'boolean'],
  ['smsOptOut', 'sms_opt_out', 'boolean'],
];

const JSON_COLUMNS = new Set<keyof ContactValues>(['customFields', 'emails', 'phones', 'address']);

function columnValue(values: Partial<ContactValues>, key: keyof ContactValues): unknown {
  const value = values[key];
  return JSON_COLUMNS.has(key) && value !== null ? JSON.stringify(value) : value;
}

/** crm.contacts. Every method takes the manager of the caller's transaction (row-level security set). */
@Injectable()
export class ContactsRepository {
  /** A live contact (not soft-deleted), locked for the rest of the transaction with forUpdate. */
  async findLive(manager: EntityManager, workspaceId: string, id: string, options: { forUpdate?: boolean } = {}): Promise<ContactRow | null> {
    const rows: ContactRow[] = await manager.query(
      `SELECT ${CONTACT_COLUMNS} FROM crm.contacts r WHERE r.workspace_id = $1 AND r.id = $2 AND r.deleted_at IS NULL${options.forUpdate ? ' FOR UPDATE' : ''}`,
      [workspaceId, id],
    );
    return rows[0] ?? null;
  }

  /** A contact live or soft-deleted. */
  async find(manager: EntityManager, workspaceId: string, id: string, options: { forUpdate?: boolean } = {}): Promise<ContactRow | null> {
    const rows: ContactRow[] = await manager.query(
      `SELECT ${CONTACT_COLUMNS} FROM crm.contacts r WHERE r.workspace_id = $1 AND r.id = $2${options.forUpdate ? ' FOR UPDATE' : ''}`,
      [workspaceId, id],
    );
    return rows[0] ?? null;
  }

  /** Every contact, live or soft-deleted, whose phone is this E.164 number (live first), locked for an opt-out change. */
  async findByPhone(manager: EntityManager, workspaceId: string, phone: string): Promise<ContactRow[]> {
    return manager.query(
      `SELECT ${CONTACT_COLUMNS} FROM crm.contacts r WHERE r.workspace_id = $1 AND r.phone = $2 ORDER BY r.deleted_at NULLS FIRST, r.id FOR UPDATE`,
      [workspaceId, phone],
    );
  }

  /**
   * The live contacts other than `self` holding any of these emails (case-insensitively) or phones
   * (E.164), primary or additional, for the 409 of a duplicate: holder by lower-cased email or by phone.
   */
  async findLiveHolders(manager: EntityManager, workspaceId: string, self: string | null, emails: string[], phones: string[]): Promise<Map<string, string>> {
    const rows: Array<{ kind: string; value: string; contactId: string }> = await manager.query(
      `SELECT kind, value, contact_id AS "contactId" FROM crm.contact_identities
       WHERE workspace_id = $1 AND contact_id IS DISTINCT FROM $2::uuid
         AND ((kind = 'email' AND value = ANY($3::text[])) OR (kind = 'phone' AND value = ANY($4::text[])))`,
      [workspaceId, self, emails.map((email) => email.toLowerCase()), phones],
    );
    return new Map(rows.map((row) => [`${row.kind}:${row.value}`, row.contactId]));
  }

  /** Fails on contact_identities_key (or contacts_phone_key) when a live contact holds the email or phone. */
  async insert(manager: EntityManager, contact: NewContact): Promise<ContactRow> {
    const entries: Array<[string, unknown, string?]> = [
      ['id', contact.id, 'uuid'],
      ['workspace_id', contact.workspaceId, 'uuid'],
      ['created_by', contact.createdBy, 'uuid'],
      ...VALUE_COLUMNS.map(([key, column, cast]): [string, unknown, string?] => [column, columnValue(contact, key), cast]),
    ];
    const columns = entries.map(([column]) => column);
    const parameters = entries.map(([, value]) => value);
    const placeholders = entries.map(([, , cast], index) => `$${index + 1}${cast ? `::${cast}` : ''}`);
    const rows: ContactRow[] = await manager.query(
      `INSERT INTO crm.contacts AS r (${columns.join(', ')}) VALUES (${placeholders.join(', ')}) RETURNING ${CONTACT_COLUMNS}`,
      parameters,
    );
    return rows[0]!;
  }

  /** Writes the given fields of a live contact and bumps updated_at; unique violations as for insert. */
  async update(manager: EntityManager, workspaceId: string, id: string, changes: Partial<ContactValues>): Promise<ContactRow> {
    const parameters: unknown[] = [workspaceId, id];
    const assignments = VALUE_COLUMNS.filter(([key]) => changes[key] !== undefined).map(([key, column, cast]) => {
      parameters.push(columnValue(changes, key));
      return `${column} = $${parameters.length}${cast ? `::${cast}` : ''}`;
    });
    const rows = await updateReturning<ContactRow>(
      manager,
      `UPDATE crm.contacts r SET ${[...assignments, 'updated_at = now()'].join(', ')}
       WHERE r.workspace_id = $1 AND r.id = $2 AND r.deleted_at IS NULL RETURNING ${CONTACT_COLUMNS}`,
      parameters,
    );
    return rows[0]!;
  }

  async softDelete(manager: EntityManager, workspaceId: string, id: string): Promise<void> {
    await manager.query('UPDATE crm.contacts SET deleted_at = now(), updated_at = now() WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL', [
      workspaceId,
      id,
    ]);
  }

  /** Brings a soft-deleted contact back; fails on the unique indexes when its email or phone has a live holder now. */
  async restore(manager: EntityManager, workspaceId: string, id: string): Promise<ContactRow> {
    const rows = await updateReturning<ContactRow>(
      manager,
      `UPDATE crm.contacts r SET deleted_at = NULL, updated_at = now()
       WHERE r.workspace_id = $1 AND r.id = $2 AND r.deleted_at IS NOT NULL RETURNING ${CONTACT_COLUMNS}`,
      [workspaceId, id],
    );
    return rows[0]!;
  }

  /** Opts a contact (live or deleted) out of a channel. */
  async setOptOut(manager: EntityManager, workspaceId: string, id: string, field: 'emailOptOut' | 'smsOptOut', optedOut = true): Promise<ContactRow> {
    const column = field === 'emailOptOut' ? 'email_opt_out' : 'sms_opt_out';
    const rows = await updateReturning<ContactRow>(
      manager,
      `UPDATE crm.contacts r SET ${column} = $3, updated_at = now() WHERE r.workspace_id = $1 AND r.id = $2 RETURNING ${CONTACT_COLUMNS}`,
      [workspaceId, id, optedOut],
    );
    return rows[0]!;
  }

  /** The name of a live company of the workspace, or null when there is none with this id. */
  async liveCompanyName(manager: EntityManager, workspaceId: string, companyId: string): Promise<string | null> {
    const rows: Array<{ name: string }> = await manager.query('SELECT name FROM crm.companies WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL', [
      workspaceId,
      companyId,
    ]);
    return rows[0]?.name ?? null;
  }
}
