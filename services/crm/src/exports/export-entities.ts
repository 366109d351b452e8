import type { ClassConstructor } from 'class-transformer';
import {
  ADDRESS_PARTS,
  EXPORT_IDS_MAX,
  ListCompaniesQuery,
  ListContactsQuery,
  ListDealsQuery,
  RecordIdsQuery,
  type CustomFieldEntity,
  type ExportEntity,
} from '@kinship/contracts/crm';
import { escapeLiteral } from 'pg';
import { SqlConditions, type ListDefinition, type ListFilter } from '../common/list-query.js';
import { COMPANY_LIST } from '../companies/companies.repository.js';
import { CONTACT_LIST } from '../contacts/contact.model.js';
import { DEALS_LIST, STATUS_SQL } from '../deals/deals.repository.js';

/** A cell as the file writers take it: text, number, boolean, or empty. */
export type Cell = string | number | boolean | null;

/**
 * A column of the file: its header and the SQL (over alias `r`) that reads its cell, formatted as
 * the API formats the field (ISO 8601 times, lists joined with `;`). `kind` says how a cell of it
 * is written: text (guarded against CSV injection), plain text (ids, dates, set values: nothing a
 * user typed, so no guard), a number, true/false, or a custom field's JSON value (whichever of
 * those it holds).
 */
export interface ExportColumn {
  header: string;
  sql: string;
  kind: 'text' | 'plain' | 'number' | 'boolean' | 'json';
}

/**
 * What an export of one entity reads: the list (filters, search and order of GET /<entity>),
 * the query class that checks a filter, and the file's columns. Custom fields add one `cf:<key>` column
 * per live definition, after these.
 */
export interface ExportedEntity {
  list: ListDefinition;
  filterQuery: ClassConstructor<object>;
  customFieldEntity: CustomFieldEntity;
  fileColumns: ExportColumn[];
  /** Conditions a filter key adds that are not a field of the list (deals of one contact). */
  extraConditions?(filter: ListFilter, where: SqlConditions): ListFilter;
}

/** Tags and other lists are one cell, joined with `;` (what spreadsheet users and importers expect). */
export const LIST_SEPARATOR = ';';

const text = (header: string, sql: string): ExportColumn => ({ header, sql, kind: 'text' });
const plain = (header: string, sql: string): ExportColumn => ({ header, sql, kind: 'plain' });
/** A timestamp as JavaScript's toISOString() writes it (the API's form). */
const time = (header: string, sql: string): ExportColumn => plain(header, `to_char(${sql} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);
const list = (header: string, sql: string): ExportColumn => text(header, `array_to_string(${sql}, '${LIST_SEPARATOR}')`);
const RECORD_TIMES = [time('createdAt', 'r.created_at'), time('updatedAt', 'r.updated_at'), time('deletedAt', 'r.deleted_at')];

/**
 * A jsonb array's elements (each read by `element` over `e`) joined with `;`. Most contacts have
 * none: an empty array skips the subquery, which otherwise is half of PostgreSQL's time per
 * exported contact (bench/exports measured 27,000 against 56,000 rows/s with both lists empty).
 */
const joinedElements = (array: string, element: string): string =>
  `CASE WHEN ${array} = '[]'::jsonb THEN '' ELSE array_to_string(ARRAY(SELECT ${element} FROM jsonb_array_elements(${array}) e), '${LIST_SEPARATOR}') END`;

/**
 * An export's filter: the list's query, but `id` takes a selection of up to EXPORT_IDS_MAX (a
 * JSON body, where the list's query string takes BULK_IDS_MAX).
 */
function exportFilter(listQuery: ClassConstructor<object>): ClassConstructor<object> {
  class ExportFilter extends listQuery {
    @RecordIdsQuery(EXPORT_IDS_MAX)
    id?: string[];
  }
  return ExportFilter;
}

// The address is one column per part, as spreadsheets and importers want it.
const ADDRESS_COLUMNS = ADDRESS_PARTS.map((part) => text(`address.${part}`, `r.address->>'${part}'`));

const CONTACTS: ExportedEntity = {
  list: CONTACT_LIST,
  filterQuery: exportFilter(ListContactsQuery),
  customFieldEntity: 'contact',
  fileColumns: [
    plain('id', 'r.id::text'),
    text('firstName', 'r.first_name'),
    text('lastName', 'r.last_name'),
    text('email', 'r.email'),
    text('phone', 'r.phone'),
    plain('phoneExtension', 'r.phone_extension'),
    // Additional emails and phones, one cell each (an extension written after an x), as imports read them back.
    text('emails', joinedElements('r.emails', `e->>'email'`)),
    text('phones', joinedElements('r.phones', `(e->>'phone') || coalesce('x' || (e->>'extension'), '')`)),
    ...ADDRESS_COLUMNS,
    text('website', 'r.website'),
    text('linkedinUrl', 'r.linkedin_url'),
    plain('timezone', 'r.timezone'),
    plain('birthday', 'r.birthday::text'),
    text('jobTitle', 'r.job_title'),
    plain('companyId', 'r.company_id::text'),
    text('companyName', 'r.company_name'),
    plain('ownerId', 'r.owner_id::text'),
    plain('lifecycleStage', 'r.lifecycle_stage'),
    text('leadSource', 'r.lead_source'),
    plain('customerSince', 'r.customer_since::text'),
    list('tags', 'r.tags'),
    { header: 'emailOptOut', sql: 'r.email_opt_out', kind: 'boolean' },
    { header: 'smsOptOut', sql: 'r.sms_opt_out', kind: 'boolean' },
    ...RECORD_TIMES,
  ],
};

const COMPANIES: ExportedEntity = {
  list: COMPANY_LIST,
  filterQuery: exportFilter(ListCompaniesQuery),
  customFieldEntity: 'company',
  fileColumns: [
    plain('id', 'r.id::text'),
    ...(['name', 'domain', 'website'] as const).map((name) => text(name, `r.${name}`)),
    text('linkedinUrl', 'r.linkedin_url'),
    ...(['industry', 'size'] as const).map((name) => text(name, `r.${name}`)),
    { header: 'employees', sql: 'r.employees', kind: 'number' },
    { header: 'annualRevenue.amount', sql: 'r.annual_revenue_amount', kind: 'number' },
    plain('annualRevenue.currency', 'r.annual_revenue_currency'),
    text('phone', 'r.phone'),
    ...ADDRESS_COLUMNS,
    plain('ownerId', 'r.owner_id::text'),
    list('tags', 'r.tags'),
    ...RECORD_TIMES,
  ],
};

const DEALS: ExportedEntity = {
  list: DEALS_LIST,
  filterQuery: exportFilter(ListDealsQuery),
  customFieldEntity: 'deal',
  fileColumns: [
    plain('id', 'r.id::text'),
    text('name', 'r.name'),
    { header: 'amount', sql: 'r.amount', kind: 'number' },
    plain('currency', 'r.currency'),
    plain('pipelineId', 'r.pipeline_id::text'),
    plain('stageId', 'r.stage_id::text'),
    plain('status', STATUS_SQL),
    plain('companyId', 'r.company_id::text'),
    plain(
      'contactIds',
      `array_to_string(ARRAY(SELECT dc.contact_id FROM crm.deal_contacts dc WHERE dc.workspace_id = r.workspace_id AND dc.deal_id = r.id ORDER BY dc.contact_id), '${LIST_SEPARATOR}')`,
    ),
    plain('ownerId', 'r.owner_id::text'),
    plain('expectedCloseDate', `to_char(r.expected_close_date, 'YYYY-MM-DD')`),
    text('description', 'r.description'),
    text('lostReason', 'r.lost_reason'),
    time('closedAt', 'r.closed_at'),
    ...RECORD_TIMES,
  ],
  // As GET /deals does: contactId is a participation, not a column of crm.deals.
  extraConditions(filter, where) {
    const { contactId, ...rest } = filter;
    if (typeof contactId === 'string') {
      where.add(
        `EXISTS (SELECT 1 FROM crm.deal_contacts dc WHERE dc.workspace_id = r.workspace_id AND dc.deal_id = r.id AND dc.contact_id = ${where.param(contactId)}::uuid)`,
      );
    }
    return rest;
  },
};

/** The built-in entities; a custom object's records (entity `records`) take their columns from the object (record-export.ts). */
export const EXPORTED_ENTITIES: Record<Exclude<ExportEntity, 'records'>, ExportedEntity> = { contacts: CONTACTS, companies: COMPANIES, deals: DEALS };

/** The `cf:<key>` column of a custom field: its JSON value (text, number, boolean or a date's text). */
export function customFieldColumn(key: string): ExportColumn {
  return { header: `cf:${key}`, sql: `r.custom_fields -> ${escapeLiteral(key)}`, kind: 'json' };
}
