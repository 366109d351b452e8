import { Injectable } from '@nestjs/common';
import type { CrmEvents } from '@kinship/contracts';
import { updateReturning } from '@kinship/persistence';
import type { EntityManager } from 'typeorm';
import type { ListDefinition } from '../common/list-query.js';
import type { CustomFieldValues } from '../custom-fields/custom-field-values.js';

export const LIFECYCLE_STAGES = ['subscriber', 'lead', 'marketing_qualified', 'sales_qualified', 'opportunity', 'customer', 'evangelist', 'other'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

/** The SELECT list of a contact over alias `r`, in the shape of ContactRow. */
export const CONTACT_COLUMNS = `r.id, r.first_name AS "firstName", r.last_name AS "lastName", r.email, r.phone,
  r.job_title AS "jobTitle", r.company_id AS "companyId", r.company_name AS "companyName", r.owner_id AS "ownerId",
  r.lifecycle_stage AS "lifecycleStage", r.lead_source AS "leadSource", r.customer_since::text AS "customerSince",
  r.tags, r.custom_fields AS "customFields", r.email_opt_out AS "emailOptOut", r.sms_opt_out AS "smsOptOut",
  r.created_by AS "createdBy", r.created_at AS "createdAt", r.updated_at AS "updatedAt", r.deleted_at AS "deletedAt"`;

/** A row of crm.contacts as CONTACT_COLUMNS reads it. */
export interface ContactRow {
  id: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  jobTitle: string | null;
  companyId: string | null;
  companyName: string | null;
  ownerId: string | null;
  lifecycleStage: LifecycleStage;
  leadSource: string | null;
  /** YYYY-MM-DD */
  customerSince: string | null;
  tags: string[];
  customFields: CustomFieldValues;
  emailOptOut: boolean;
  smsOptOut: boolean;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

/** A contact on the wire (API.md field names): the row with ISO 8601 times, without its creator. */
export type ContactRecord = Omit<ContactRow, 'createdBy' | 'createdAt' | 'updatedAt' | 'deletedAt'> & {
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
};

export function toContactRecord(row: ContactRow): ContactRecord {
  return {
    id: row.id,
    firstName: row.firstName,
    lastName: row.lastName,
    email: row.email,
    phone: row.phone,
    jobTitle: row.jobTitle,
    companyId: row.companyId,
    companyName: row.companyName,
    ownerId: row.ownerId,
    lifecycleStage: row.lifecycleStage,
    leadSource: row.leadSource,
    customerSince: row.customerSince,
    tags: row.tags,
    customFields: row.customFields,
    emailOptOut: row.emailOptOut,
    smsOptOut: row.smsOptOut,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: row.deletedAt?.toISOString() ?? null,
  };
}

/** The Contact of the crm events (proto/kinship/crm/v1/events.proto): what other services keep of a contact. */
export function toContactEvent(row: ContactRow): CrmEvents.Contact {
  return {
    id: row.id,
    firstName: row.firstName,
    lastName: row.lastName,
    email: row.email,
    phone: row.phone,
    companyId: row.companyId,
    ownerId: row.ownerId,
    lifecycleStage: row.lifecycleStage,
    leadSource: row.leadSource,
    customerSince: row.customerSince,
    emailOptOut: row.emailOptOut,
    smsOptOut: row.smsOptOut,
    tags: row.tags,
    createdAt: row.createdAt.toISOString(),
    customFields: row.customFields,
  };
}

/**
 * The contact list for the list engine: GET /contacts, segments and exports filter with these
 * names. Sortable fields are those the migration indexes as (workspace_id, field, id).
 */
export const CONTACT_LIST: ListDefinition = {
  table: 'crm.contacts',
  fields: {
    createdAt: { sql: 'r.created_at', kind: 'timestamp', sortable: true },
    updatedAt: { sql: 'r.updated_at', kind: 'timestamp', sortable: true },
    lastName: { sql: `lower(coalesce(r.last_name, ''))`, kind: 'text', sortable: true },
    lifecycleStage: { sql: 'r.lifecycle_stage', kind: 'enum' },
    ownerId: { sql: 'r.owner_id', kind: 'uuid' },
    companyId: { sql: 'r.company_id', kind: 'uuid' },
    leadSource: { sql: 'r.lead_source', kind: 'text' },
    emailOptOut: { sql: 'r.email_opt_out', kind: 'boolean' },
    smsOptOut: { sql: 'r.sms_opt_out', kind: 'boolean' },
    customerSince: { sql: 'r.customer_since', kind: 'date' },
    tags: { sql: 'r.tags', kind: 'tags' },
  },
  defaultSort: '-createdAt',
  search: { vector: 'r.search_vector', text: 'r.search_text' },
};

/** The columns a create or an update writes (snake_case in the table). */
export interface ContactValues {
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  jobTitle: string | null;
  companyId: string | null;
  companyName: string | null;
  ownerId: string | null;
  lifecycleStage: LifecycleStage;
  leadSource: string | null;
  customerSince: string | null;
  tags: string[];
  customFields: CustomFieldValues;
  emailOptOut: boolean;
  smsOptOut: boolean;
}

export interface NewContact extends ContactValues {
  id: string;
  workspaceId: string;
  createdBy: string | null;
}

const VALUE_COLUMNS: Array<[keyof ContactValues, string, string?]> = [
  ['firstName', 'first_name'],
  ['lastName', 'last_name'],
  ['email', 'email'],
  ['phone', 'phone'],
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

function columnValue(values: Partial<ContactValues>, key: keyof ContactValues): unknown {
  return key === 'customFields' ? JSON.stringify(values.customFields) : values[key];
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

  /** The live contact holding an email (case-insensitively) or a phone, for the 409 of a duplicate. */
  async findLiveHolder(manager: EntityManager, workspaceId: string, field: 'email' | 'phone', value: string): Promise<string | null> {
    const condition = field === 'email' ? 'lower(email) = lower($2)' : 'phone = $2';
    const rows: Array<{ id: string }> = await manager.query(
      `SELECT id FROM crm.contacts WHERE workspace_id = $1 AND ${condition} AND deleted_at IS NULL LIMIT 1`,
      [workspaceId, value],
    );
    return rows[0]?.id ?? null;
  }

  /** Fails on contacts_email_key or contacts_phone_key when a live contact holds the email or phone. */
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
    await manager.query('UPDATE crm.contacts SET deleted_at = now(), updated_at = now() WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL', [workspaceId, id]);
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
  async setOptOut(manager: EntityManager, workspaceId: string, id: string, field: 'emailOptOut' | 'smsOptOut'): Promise<ContactRow> {
    const column = field === 'emailOptOut' ? 'email_opt_out' : 'sms_opt_out';
    const rows = await updateReturning<ContactRow>(
      manager,
      `UPDATE crm.contacts r SET ${column} = true, updated_at = now() WHERE r.workspace_id = $1 AND r.id = $2 RETURNING ${CONTACT_COLUMNS}`,
      [workspaceId, id],
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
