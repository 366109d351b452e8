import type { CrmEvents } from '@kinship/contracts';
import type { Contact, ContactEmailValue, ContactPhoneValue, LifecycleStage, PostalAddress } from '@kinship/contracts/crm';
import type { ListDefinition } from '../common/list-query.js';
import type { CustomFieldValues } from '../custom-fields/custom-field-values.js';

// A contact as crm stores it (ContactRow), answers it (ContactRecord) and publishes it (CrmEvents.Contact).

/**
 * The SELECT list of a contact over alias `r`, in the shape of ContactRow. The tags come as JSON:
 * pg parses a text[] character by character, at 3× the time and allocation of JSON.parse.
 */
export const CONTACT_COLUMNS = `r.id, r.first_name AS "firstName", r.last_name AS "lastName", r.email, r.phone,
  r.phone_extension AS "phoneExtension", r.emails, r.phones, r.address, r.website, r.linkedin_url AS "linkedinUrl", r.timezone,
  r.birthday::text AS birthday,
  r.job_title AS "jobTitle", r.company_id AS "companyId", r.company_name AS "companyName", r.owner_id AS "ownerId",
  r.lifecycle_stage AS "lifecycleStage", r.lead_source AS "leadSource", r.customer_since::text AS "customerSince",
  array_to_json(r.tags) AS tags, r.custom_fields AS "customFields", r.email_opt_out AS "emailOptOut", r.sms_opt_out AS "smsOptOut",
  r.created_by AS "createdBy", r.created_at AS "createdAt", r.updated_at AS "updatedAt", r.deleted_at AS "deletedAt"`;

/** The columns a create or an update writes (snake_case in the table). */
export interface ContactValues {
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  phoneExtension: string | null;
  emails: ContactEmailValue[];
  phones: ContactPhoneValue[];
  address: PostalAddress | null;
  website: string | null;
  linkedinUrl: string | null;
  timezone: string | null;
  /** YYYY-MM-DD */
  birthday: string | null;
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

/** A row of crm.contacts as CONTACT_COLUMNS reads it. */
export interface ContactRow extends ContactValues {
  id: string;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

/** A contact on the wire (API.md field names): the row with ISO 8601 times, without its creator. */
export type ContactRecord = Contact;

export function toContactRecord(row: ContactRow): ContactRecord {
  return {
    id: row.id,
    firstName: row.firstName,
    lastName: row.lastName,
    email: row.email,
    phone: row.phone,
    phoneExtension: row.phoneExtension,
    emails: row.emails,
    phones: row.phones,
    address: row.address,
    website: row.website,
    linkedinUrl: row.linkedinUrl,
    timezone: row.timezone,
    birthday: row.birthday,
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
    phoneExtension: row.phoneExtension,
    emails: row.emails,
    phones: row.phones,
    address: row.address,
    website: row.website,
    linkedinUrl: row.linkedinUrl,
    timezone: row.timezone,
    birthday: row.birthday,
  };
}

/**
 * The contact list for the list engine: GET /contacts, segments and exports filter with these
 * names. Sortable fields are those the migration indexes as (workspace_id, field, id).
 */
export const CONTACT_LIST: ListDefinition = {
  table: 'crm.contacts',
  fields: {
    id: { sql: 'r.id', kind: 'uuid' },
    createdAt: { sql: 'r.created_at', kind: 'timestamp', sortable: true },
    updatedAt: { sql: 'r.updated_at', kind: 'timestamp', sortable: true },
    lastName: { sql: `lower(coalesce(r.last_name, ''))`, kind: 'text', sortable: true },
    lifecycleStage: { sql: 'r.lifecycle_stage', kind: 'enum' },
    ownerId: { sql: 'r.owner_id', kind: 'uuid' },
    companyId: { sql: 'r.company_id', kind: 'uuid' },
    leadSource: { sql: 'r.lead_source', kind: 'text' },
    // No index (see docs/crm.md): a filtered page reads the workspace's contacts in the list's order until it is full.
    city: { sql: `lower(r.address->>'city')`, kind: 'text' },
    country: { sql: `r.address->>'country'`, kind: 'text' },
    emailOptOut: { sql: 'r.email_opt_out', kind: 'boolean' },
    smsOptOut: { sql: 'r.sms_opt_out', kind: 'boolean' },
    customerSince: { sql: 'r.customer_since', kind: 'date' },
    tags: { sql: 'r.tags', kind: 'tags' },
  },
  defaultSort: '-createdAt',
  search: { vector: 'r.search_vector', text: 'r.search_text' },
};

/** A contact with nothing set: a lead, opted in, no owner. */
export function blankContact(): ContactValues {
  return {
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
    ownerId: null,
    lifecycleStage: 'lead',
    leadSource: null,
    customerSince: null,
    tags: [],
    customFields: {},
    emailOptOut: false,
    smsOptOut: false,
  };
}

export interface NewContact extends ContactValues {
  id: string;
  workspaceId: string;
  createdBy: string | null;
}
