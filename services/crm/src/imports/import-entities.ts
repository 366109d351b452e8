import type { CrmEvents } from '@kinship/contracts';
import { updateReturning } from '@kinship/persistence';
import type { EntityManager } from 'typeorm';
import type { ImportEntity } from '@kinship/contracts/crm';
import { COMPANY_COLUMNS, toCompanyEvent, type CompanyRow } from '../companies/companies.repository.js';
import { CONTACT_COLUMNS, toContactEvent, type ContactRow } from '../contacts/contact.model.js';
import type { RecordValues } from './record-merge.js';

export type RecordType = 'contact' | 'company';

/** A column an import writes: API field name, column, and its type in jsonb_to_recordset. */
interface ColumnSpec {
  field: string;
  column: string;
  type: 'text' | 'uuid' | 'date' | 'integer' | 'text[]' | 'jsonb';
}

/** A field a record is matched on, in order of precedence; unique ones are guarded by a unique index. */
interface Identity {
  field: string;
  unique: boolean;
  /** The comparable forms of the values a record or a row holds for it (a contact's primary and additional emails; emails and company names ignore case). */
  keys(values: RecordValues): string[];
  /** SQL selecting the `id` of every live record holding one of the keys in the text[] parameter `keys` (workspace $1). */
  lookup(keys: string): string;
}

export interface StoredRecord {
  id: string;
  /** The row's xmin when read: a later read with the same version saw the same row. */
  version: string;
  values: RecordValues;
}

/** How imports read, write and announce one kind of record, set-based: one statement per batch. */
export interface ImportedEntity<Row extends { id: string } = { id: string }> {
  entity: ImportEntity;
  recordType: RecordType;
  table: string;
  /** The SELECT list over alias r, in the shape of Row. */
  selectColumns: string;
  columns: ColumnSpec[];
  identities: Identity[];
  /** The values of a record a file creates, before its first row is merged in. */
  blank(ownerId: string | null): RecordValues;
  valuesOf(row: Row): RecordValues;
  /** The event type of a chunk of imported records and how a record appears in it. */
  importedEvent: 'contacts.imported' | 'companies.imported';
  undoneEvent: 'contacts.import_undone' | 'companies.import_undone';
  toEvent(row: Row): CrmEvents.Contact | CrmEvents.Company;
}

function lowerText(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value.toLowerCase() : null;
}

function plainText(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** A contact's primary and additional values of one kind, in their comparable form. */
function channelKeys(values: RecordValues, primary: 'email' | 'phone', additional: 'emails' | 'phones', key: (value: unknown) => string | null): string[] {
  const entries = (values[additional] as Array<Record<string, unknown>> | undefined) ?? [];
  return [values[primary], ...entries.map((entry) => entry[primary])].map(key).filter((value): value is string => value !== null);
}

/** Live contacts holding one of the keys as an email or phone, primary or additional (contact_identities_key serves it). */
function contactIdentityLookup(kind: 'email' | 'phone'): (keys: string) => string {
  return (keys) => `SELECT i.contact_id AS id FROM crm.contact_identities i WHERE i.workspace_id = $1 AND i.kind = '${kind}' AND i.value = ANY(${keys})`;
}

/** Live companies whose column matches one of the keys: a lookup per key. */
function companyLookup(condition: (key: string) => string): (keys: string) => string {
  return (keys) =>
    `SELECT m.id FROM unnest(${keys}) AS k(key)
     CROSS JOIN LATERAL (SELECT r.id FROM crm.companies r WHERE r.workspace_id = $1 AND r.deleted_at IS NULL AND ${condition('k.key')}) m`;
}

function singleKey(field: string, key: (value: unknown) => string | null): (values: RecordValues) => string[] {
  return (values) => {
    const value = key(values[field]);
    return value === null ? [] : [value];
  };
}

export const IMPORTED_CONTACTS: ImportedEntity<ContactRow> = {
  entity: 'contacts',
  recordType: 'contact',
  table: 'crm.contacts',
  selectColumns: CONTACT_COLUMNS,
  columns: [
    { field: 'firstName', column: 'first_name', type: 'text' },
    { field: 'lastName', column: 'last_name', type: 'text' },
    { field: 'email', column: 'email', type: 'text' },
    { field: 'phone', column: 'phone', type: 'text' },
    { field: 'phoneExtension', column: 'phone_extension', type: 'text' },
    { field: 'emails', column: 'emails', type: 'jsonb' },
    { field: 'phones', column: 'phones', type: 'jsonb' },
    { field: 'address', column: 'address', type: 'jsonb' },
    { field: 'website', column: 'website', type: 'text' },
    { field: 'linkedinUrl', column: 'linkedin_url', type: 'text' },
    { field: 'timezone', column: 'timezone', type: 'text' },
    { field: 'birthday', column: 'birthday', type: 'date' },
    { field: 'jobTitle', column: 'job_title', type: 'text' },
    { field: 'companyId', column: 'company_id', type: 'uuid' },
    { field: 'companyName', column: 'company_name', type: 'text' },
    { field: 'ownerId', column: 'owner_id', type: 'uuid' },
    { field: 'lifecycleStage', column: 'lifecycle_stage', type: 'text' },
    { field: 'leadSource', column: 'lead_source', type: 'text' },
    { field: 'customerSince', column: 'customer_since', type: 'date' },
    { field: 'tags', column: 'tags', type: 'text[]' },
    { field: 'customFields', column: 'custom_fields', type: 'jsonb' },
  ],
  identities: [
    { field: 'email', unique: true, keys: (values) => channelKeys(values, 'email', 'emails', lowerText), lookup: contactIdentityLookup('email') },
    { field: 'phone', unique: true, keys: (values) => channelKeys(values, 'phone', 'phones', plainText), lookup: contactIdentityLookup('phone') },
  ],
  blank: (ownerId) => ({
    firstName: null,
    lastName: null,
    email: null,
    phone: null,
    phoneExtension: null,
    emails: [],
    phones: [],
    address: null,
    website: null,
    linkedinUrl: null,
    timezone: null,
    birthday: null,
    jobTitle: null,
    companyId: null,
    companyName: null,
    ownerId,
    lifecycleStage: null,
    leadSource: null,
    customerSince: null,
    tags: [],
    customFields: {},
  }),
  valuesOf: (row) => ({ ...row }),
  importedEvent: 'contacts.imported',
  undoneEvent: 'contacts.import_undone',
  toEvent: toContactEvent,
};

export const IMPORTED_COMPANIES: ImportedEntity<CompanyRow> = {
  entity: 'companies',
  recordType: 'company',
  table: 'crm.companies',
  selectColumns: COMPANY_COLUMNS,
  columns: [
    { field: 'name', column: 'name', type: 'text' },
    { field: 'domain', column: 'domain', type: 'text' },
    { field: 'website', column: 'website', type: 'text' },
    { field: 'linkedinUrl', column: 'linkedin_url', type: 'text' },
    { field: 'industry', column: 'industry', type: 'text' },
    { field: 'size', column: 'size', type: 'text' },
    { field: 'employees', column: 'employees', type: 'integer' },
    { field: 'phone', column: 'phone', type: 'text' },
    { field: 'address', column: 'address', type: 'jsonb' },
    { field: 'ownerId', column: 'owner_id', type: 'uuid' },
    { field: 'tags', column: 'tags', type: 'text[]' },
    { field: 'customFields', column: 'custom_fields', type: 'jsonb' },
  ],
  identities: [
    { field: 'domain', unique: true, keys: singleKey('domain', plainText), lookup: companyLookup((key) => `r.domain IS NOT NULL AND r.domain = ${key}`) },
    { field: 'name', unique: false, keys: singleKey('name', lowerText), lookup: companyLookup((key) => `lower(r.name) = ${key}`) },
  ],
  blank: (ownerId) => ({
    name: null,
    domain: null,
    website: null,
    linkedinUrl: null,
    industry: null,
    size: null,
    employees: null,
    phone: null,
    address: null,
    ownerId,
    tags: [],
    customFields: {},
  }),
  valuesOf: (row) => ({ ...row }),
  importedEvent: 'companies.imported',
  undoneEvent: 'companies.import_undone',
  toEvent: toCompanyEvent,
};

export const IMPORTED_ENTITIES: Record<ImportEntity, ImportedEntity> = { contacts: IMPORTED_CONTACTS, companies: IMPORTED_COMPANIES };
export const IMPORTED_BY_RECORD_TYPE: Record<RecordType, ImportedEntity> = { contact: IMPORTED_CONTACTS, company: IMPORTED_COMPANIES };

function recordsetDefinition(columns: ColumnSpec[], extra: string[] = []): string {
  return ['id uuid', ...extra, ...columns.map((spec) => `"${spec.field}" ${spec.type}`)].join(', ');
}

/**
 * Set-based writes of imported records: each statement takes the whole batch as one jsonb array
 * (jsonb_to_recordset), so a batch of thousands of rows is one round trip per statement.
 */
export class EntityWriter {
  constructor(private readonly spec: ImportedEntity) {}

  /**
   * Live records holding any of the keys, oldest first, with the version (xmin) each was read at;
   * with `lock`, locked until the batch commits.
   */
  async findMatches(manager: EntityManager, workspaceId: string, keys: string[][], options: { lock: boolean }): Promise<StoredRecord[]> {
    const rows: Array<{ id: string; rowVersion: string }> = await manager.query(
      `SELECT ${this.spec.selectColumns}, r.xmin::text AS "rowVersion" FROM ${this.spec.table} r
       WHERE r.workspace_id = $1 AND r.id = ANY(ARRAY(${this.lookups()}))
       ORDER BY r.created_at, r.id${options.lock ? ' FOR UPDATE' : ''}`,
      [workspaceId, ...keys],
    );
    return rows.map(({ rowVersion, ...row }) => ({ id: row.id, version: rowVersion, values: this.spec.valuesOf(row) }));
  }

  /** The ids and versions of the live records holding any of the keys, oldest first, locked until the batch commits. */
  async lockMatches(manager: EntityManager, workspaceId: string, keys: string[][]): Promise<Array<{ id: string; version: string }>> {
    return manager.query(
      `SELECT r.id, r.xmin::text AS version FROM ${this.spec.table} r
       WHERE r.workspace_id = $1 AND r.id = ANY(ARRAY(${this.lookups()}))
       ORDER BY r.created_at, r.id FOR UPDATE`,
      [workspaceId, ...keys],
    );
  }

  private lookups(): string {
    // The keys' matches (a lookup per key where the planner agrees), then the rows fetched by
    // primary key through ARRAY(...): as `id IN (subquery)` the planner hashed the ids and
    // scanned all of the workspace's contacts for every batch (222 ms at 100k contacts, 83 ms this
    // way). Still weak: with statistics older than the import (autovacuum off), the lookups may be
    // planned as one scan of the workspace per batch (530 ms at 555k contacts, against 22 ms for
    // forced per-key probes, which in turn went wrong on small tables: docs/performance.md).
    return this.spec.identities.map((identity, index) => identity.lookup(`$${index + 2}::text[]`)).join(' UNION ');
  }

  async insert(
    manager: EntityManager,
    workspaceId: string,
    createdBy: string | null,
    records: Array<{ id: string; values: RecordValues }>,
  ): Promise<Array<{ id: string }>> {
    if (records.length === 0) return [];
    const { columns } = this.spec;
    return manager.query(
      `INSERT INTO ${this.spec.table} AS r (id, workspace_id, created_by, ${columns.map((spec) => spec.column).join(', ')})
       SELECT u.id, $1, $2, ${columns.map((spec) => `u."${spec.field}"`).join(', ')}
       FROM jsonb_to_recordset($3::jsonb) AS u(${recordsetDefinition(columns)})
       RETURNING ${this.spec.selectColumns}`,
      [workspaceId, createdBy, JSON.stringify(records.map((record) => ({ id: record.id, ...record.values })))],
    );
  }

  async update(manager: EntityManager, workspaceId: string, records: Array<{ id: string; values: RecordValues }>): Promise<Array<{ id: string }>> {
    if (records.length === 0) return [];
    const { columns } = this.spec;
    return updateReturning(
      manager,
      `UPDATE ${this.spec.table} r SET ${columns.map((spec) => `${spec.column} = u."${spec.field}"`).join(', ')}, updated_at = now()
       FROM jsonb_to_recordset($2::jsonb) AS u(${recordsetDefinition(columns)})
       WHERE r.workspace_id = $1 AND r.id = u.id AND r.deleted_at IS NULL
       RETURNING ${this.spec.selectColumns}`,
      [workspaceId, JSON.stringify(records.map((record) => ({ id: record.id, ...record.values })))],
    );
  }

  /** Writes back the fields named in each record's `previous`, leaving the others as they are now. */
  async restore(manager: EntityManager, workspaceId: string, records: Array<{ id: string; previous: RecordValues }>): Promise<Array<{ id: string }>> {
    if (records.length === 0) return [];
    const assignments = this.spec.columns.map(({ field, column, type }) => {
      const value =
        type === 'text[]'
          ? `ARRAY(SELECT jsonb_array_elements_text(u.previous->'${field}'))`
          : type === 'jsonb'
            ? `NULLIF(u.previous->'${field}', 'null'::jsonb)`
            : `(u.previous->>'${field}')::${type}`;
      const stored = field === 'customFields' ? `coalesce(${value}, '{}')` : field === 'emails' || field === 'phones' ? `coalesce(${value}, '[]')` : value;
      return `${column} = CASE WHEN u.previous ? '${field}' THEN ${stored} ELSE r.${column} END`;
    });
    return updateReturning(
      manager,
      `UPDATE ${this.spec.table} r SET ${assignments.join(', ')}, updated_at = now()
       FROM jsonb_to_recordset($2::jsonb) AS u(id uuid, previous jsonb)
       WHERE r.workspace_id = $1 AND r.id = u.id
       RETURNING ${this.spec.selectColumns}`,
      [workspaceId, JSON.stringify(records)],
    );
  }

  async softDelete(manager: EntityManager, workspaceId: string, ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await updateReturning<{ id: string }>(
      manager,
      `UPDATE ${this.spec.table} SET deleted_at = now(), updated_at = now() WHERE workspace_id = $1 AND id = ANY($2::uuid[]) AND deleted_at IS NULL RETURNING id`,
      [workspaceId, ids],
    );
    return rows.map((row) => row.id);
  }
}
