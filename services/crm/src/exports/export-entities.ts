import type { ClassConstructor } from 'class-transformer';
import { ListCompaniesQuery, ListContactsQuery, ListDealsQuery, type CustomFieldEntity, type ExportEntity } from '@kinship/contracts/crm';
import { SqlConditions, type ListDefinition, type ListFilter } from '../common/list-query.js';
import { COMPANY_COLUMNS, COMPANY_LIST, toCompany, type CompanyRow } from '../companies/companies.repository.js';
import { CONTACT_COLUMNS, CONTACT_LIST, toContactRecord, type ContactRow } from '../contacts/contact.model.js';
import { DEAL_COLUMNS, DEALS_LIST, type DealRow } from '../deals/deals.repository.js';
import { toDeal } from '../deals/deals.service.js';


/** A cell as the file writers take it: text, number, boolean, or empty. */
export type Cell = string | number | boolean | null;

/** A column of the file: its header and how a record (as the API returns it) fills it. */
export interface ExportColumn<Record> {
  header: string;
  value(record: Record): Cell;
}

/**
 * What an export of one entity reads: the list (filters, search and order of GET /<entity>),
 * the query class that checks a filter, the SELECT list and the record of the API, and the file's columns.
 * Custom fields add one `cf:<key>` column per live definition, after these.
 */
export interface ExportedEntity<Row extends { id: string } = { id: string }, Record extends { customFields: object } = { customFields: object }> {
  list: ListDefinition;
  filterQuery: ClassConstructor<object>;
  customFieldEntity: CustomFieldEntity;
  columns: string;
  toRecord(row: Row): Record;
  fileColumns: Array<ExportColumn<Record>>;
  /** Conditions a filter key adds that are not a field of the list (deals of one contact). */
  extraConditions?(filter: ListFilter, where: SqlConditions): ListFilter;
}

/** Tags and other lists are one cell, joined with `;` (what spreadsheet users and importers expect). */
export const LIST_SEPARATOR = ';';

function column<Record>(header: keyof Record & string, format?: (value: never) => Cell): ExportColumn<Record> {
  return {
    header,
    value: (record) => {
      const value = record[header] as unknown;
      if (value === null || value === undefined) return null;
      if (format) return format(value as never);
      if (Array.isArray(value)) return value.join(LIST_SEPARATOR);
      return value as Cell;
    },
  };
}

type ContactRecord = ReturnType<typeof toContactRecord>;
type Company = ReturnType<typeof toCompany>;
type Deal = ReturnType<typeof toDeal>;

const CONTACTS: ExportedEntity<ContactRow, ContactRecord> = {
  list: CONTACT_LIST,
  filterQuery: ListContactsQuery,
  customFieldEntity: 'contact',
  columns: CONTACT_COLUMNS,
  toRecord: toContactRecord,
  fileColumns: (
    ['id', 'firstName', 'lastName', 'email', 'phone', 'jobTitle', 'companyId', 'companyName', 'ownerId', 'lifecycleStage', 'leadSource', 'customerSince', 'tags', 'emailOptOut', 'smsOptOut', 'createdAt', 'updatedAt', 'deletedAt'] as const
  ).map((name) => column<ContactRecord>(name)),
};

const ADDRESS_PARTS = ['line1', 'line2', 'city', 'region', 'postalCode', 'country'] as const;

const COMPANIES: ExportedEntity<CompanyRow, Company> = {
  list: COMPANY_LIST,
  filterQuery: ListCompaniesQuery,
  customFieldEntity: 'company',
  columns: COMPANY_COLUMNS,
  toRecord: toCompany,
  fileColumns: [
    ...(['id', 'name', 'domain', 'industry', 'size', 'phone'] as const).map((name) => column<Company>(name)),
    // The address is one column per part, as spreadsheets and importers want it.
    ...ADDRESS_PARTS.map((part) => ({ header: `address.${part}`, value: (record: Company) => record.address?.[part] ?? null })),
    ...(['ownerId', 'tags', 'createdAt', 'updatedAt', 'deletedAt'] as const).map((name) => column<Company>(name)),
  ],
};

const DEALS: ExportedEntity<DealRow, Deal> = {
  list: DEALS_LIST,
  filterQuery: ListDealsQuery,
  customFieldEntity: 'deal',
  columns: DEAL_COLUMNS,
  toRecord: toDeal,
  fileColumns: (
    ['id', 'name', 'amount', 'currency', 'pipelineId', 'stageId', 'status', 'companyId', 'contactIds', 'ownerId', 'expectedCloseDate', 'description', 'lostReason', 'closedAt', 'createdAt', 'updatedAt', 'deletedAt'] as const
  ).map((name) => column<Deal>(name)),
  // As GET /deals does: contactId is a participation, not a column of crm.deals.
  extraConditions(filter, where) {
    const { contactId, ...rest } = filter;
    if (typeof contactId === 'string') {
      where.add(`EXISTS (SELECT 1 FROM crm.deal_contacts dc WHERE dc.workspace_id = r.workspace_id AND dc.deal_id = r.id AND dc.contact_id = ${where.param(contactId)}::uuid)`);
    }
    return rest;
  },
};

export const EXPORTED_ENTITIES: Record<ExportEntity, ExportedEntity> = {
  contacts: CONTACTS as unknown as ExportedEntity,
  companies: COMPANIES as unknown as ExportedEntity,
  deals: DEALS as unknown as ExportedEntity,
};
