import { Injectable } from '@nestjs/common';
import type { CrmEvents } from '@kinship/contracts';
import type { AnnualRevenue, Company, CompanySize, PostalAddress } from '@kinship/contracts/crm';
import { updateReturning } from '@kinship/persistence';
import type { EntityManager } from 'typeorm';
import type { ListDefinition } from '../common/list-query.js';
import type { CustomFieldValues } from '../custom-fields/custom-field-values.js';

export interface CompanyRow {
  id: string;
  name: string;
  domain: string | null;
  website: string | null;
  linkedinUrl: string | null;
  industry: string | null;
  size: CompanySize | null;
  employees: number | null;
  annualRevenue: AnnualRevenue | null;
  phone: string | null;
  address: PostalAddress | null;
  ownerId: string | null;
  tags: string[];
  customFields: CustomFieldValues;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

/** A company on the wire (API.md field names): the row with ISO 8601 times, without its creator. */
export type { Company };

/** The fields a create or an update writes; the repository stores them as given. */
export type CompanyFields = Pick<
  CompanyRow,
  | 'name'
  | 'domain'
  | 'website'
  | 'linkedinUrl'
  | 'industry'
  | 'size'
  | 'employees'
  | 'annualRevenue'
  | 'phone'
  | 'address'
  | 'ownerId'
  | 'tags'
  | 'customFields'
>;

/** The columns of a company row over alias `r`, named as CompanyRow. */
export const COMPANY_COLUMNS = `r.id, r.name, r.domain, r.website, r.linkedin_url AS "linkedinUrl", r.industry, r.size, r.employees,
  CASE WHEN r.annual_revenue_amount IS NULL THEN NULL
    ELSE jsonb_build_object('amount', r.annual_revenue_amount, 'currency', r.annual_revenue_currency) END AS "annualRevenue",
  r.phone, r.address, r.owner_id AS "ownerId", r.tags,
  r.custom_fields AS "customFields", r.created_by AS "createdBy", r.created_at AS "createdAt", r.updated_at AS "updatedAt",
  r.deleted_at AS "deletedAt"`;

/** What GET /companies, segments of companies and exports filter and sort on. */
export const COMPANY_LIST: ListDefinition = {
  table: 'crm.companies',
  fields: {
    id: { sql: 'r.id', kind: 'uuid' },
    createdAt: { sql: 'r.created_at', kind: 'timestamp', sortable: true },
    // Sorted case-insensitively, as companies_name_idx serves it.
    name: { sql: 'lower(r.name)', kind: 'text', sortable: true },
    updatedAt: { sql: 'r.updated_at', kind: 'timestamp' },
    ownerId: { sql: 'r.owner_id', kind: 'uuid' },
    industry: { sql: 'r.industry', kind: 'text' },
    size: { sql: 'r.size', kind: 'enum' },
    domain: { sql: 'r.domain', kind: 'text' },
    tags: { sql: 'r.tags', kind: 'tags' },
  },
  defaultSort: '-createdAt',
  search: { vector: 'r.search_vector', text: 'r.search_text' },
};

export function toCompany(row: CompanyRow): Company {
  return {
    id: row.id,
    name: row.name,
    domain: row.domain,
    website: row.website,
    linkedinUrl: row.linkedinUrl,
    industry: row.industry,
    size: row.size,
    employees: row.employees,
    annualRevenue: row.annualRevenue,
    phone: row.phone,
    address: row.address,
    ownerId: row.ownerId,
    tags: row.tags,
    customFields: row.customFields,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: row.deletedAt?.toISOString() ?? null,
  };
}

/** The Company of company.created, .updated and .restored (what reporting keeps of it). */
export function toCompanyEvent(row: CompanyRow): CrmEvents.Company {
  return {
    id: row.id,
    name: row.name,
    domain: row.domain,
    industry: row.industry,
    size: row.size,
    ownerId: row.ownerId,
    tags: row.tags,
    customFields: row.customFields,
    website: row.website,
    linkedinUrl: row.linkedinUrl,
    employees: row.employees,
    annualRevenueAmount: row.annualRevenue?.amount ?? null,
    annualRevenueCurrency: row.annualRevenue?.currency ?? null,
  };
}

/** website, linkedin_url, employees, annual_revenue_amount, annual_revenue_currency. */
function detailValues(fields: CompanyFields): unknown[] {
  return [fields.website, fields.linkedinUrl, fields.employees, fields.annualRevenue?.amount ?? null, fields.annualRevenue?.currency ?? null];
}

/** crm.companies: raw SQL, always scoped by workspace_id on top of row-level security. */
@Injectable()
export class CompaniesRepository {
  async insert(manager: EntityManager, company: CompanyFields & { id: string; workspaceId: string; createdBy: string | null }): Promise<CompanyRow> {
    const rows: CompanyRow[] = await manager.query(
      `INSERT INTO crm.companies AS r (id, workspace_id, name, domain, industry, size, phone, address, owner_id, tags, custom_fields, created_by,
         website, linkedin_url, employees, annual_revenue_amount, annual_revenue_currency)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING ${COMPANY_COLUMNS}`,
      [
        company.id,
        company.workspaceId,
        company.name,
        company.domain,
        company.industry,
        company.size,
        company.phone,
        company.address === null ? null : JSON.stringify(company.address),
        company.ownerId,
        company.tags,
        JSON.stringify(company.customFields),
        company.createdBy,
        ...detailValues(company),
      ],
    );
    return rows[0]!;
  }

  /** A company, live or deleted. */
  async find(manager: EntityManager, workspaceId: string, id: string, options: { forUpdate?: boolean } = {}): Promise<CompanyRow | null> {
    const rows: CompanyRow[] = await manager.query(
      `SELECT ${COMPANY_COLUMNS} FROM crm.companies r WHERE r.workspace_id = $1 AND r.id = $2${options.forUpdate ? ' FOR UPDATE' : ''}`,
      [workspaceId, id],
    );
    return rows[0] ?? null;
  }

  /** A company that is not deleted; null for a deleted one. */
  async findLive(manager: EntityManager, workspaceId: string, id: string, options: { forUpdate?: boolean } = {}): Promise<CompanyRow | null> {
    const row = await this.find(manager, workspaceId, id, options);
    return row && !row.deletedAt ? row : null;
  }

  /** The live company holding a domain, if any. */
  async findLiveByDomain(manager: EntityManager, workspaceId: string, domain: string): Promise<CompanyRow | null> {
    const rows: CompanyRow[] = await manager.query(
      `SELECT ${COMPANY_COLUMNS} FROM crm.companies r WHERE r.workspace_id = $1 AND r.domain = $2 AND r.deleted_at IS NULL`,
      [workspaceId, domain],
    );
    return rows[0] ?? null;
  }

  async update(manager: EntityManager, workspaceId: string, id: string, fields: CompanyFields): Promise<CompanyRow> {
    const rows = await updateReturning<CompanyRow>(
      manager,
      `UPDATE crm.companies AS r SET name = $3, domain = $4, industry = $5, size = $6, phone = $7, address = $8, owner_id = $9, tags = $10,
         custom_fields = $11, website = $12, linkedin_url = $13, employees = $14, annual_revenue_amount = $15, annual_revenue_currency = $16, updated_at = now()
       WHERE r.workspace_id = $1 AND r.id = $2 RETURNING ${COMPANY_COLUMNS}`,
      [
        workspaceId,
        id,
        fields.name,
        fields.domain,
        fields.industry,
        fields.size,
        fields.phone,
        fields.address === null ? null : JSON.stringify(fields.address),
        fields.ownerId,
        fields.tags,
        JSON.stringify(fields.customFields),
        ...detailValues(fields),
      ],
    );
    return rows[0]!;
  }

  async setDeleted(manager: EntityManager, workspaceId: string, id: string, deleted: boolean): Promise<CompanyRow> {
    const rows = await updateReturning<CompanyRow>(
      manager,
      `UPDATE crm.companies AS r SET deleted_at = ${deleted ? 'now()' : 'NULL'}, updated_at = now()
       WHERE r.workspace_id = $1 AND r.id = $2 RETURNING ${COMPANY_COLUMNS}`,
      [workspaceId, id],
    );
    return rows[0]!;
  }

  /** Keeps the copy of the name that contact search matches on (crm.contacts.company_name) current, deleted contacts included. */
  async renameInContacts(manager: EntityManager, workspaceId: string, id: string, name: string): Promise<void> {
    await manager.query('UPDATE crm.contacts SET company_name = $3 WHERE workspace_id = $1 AND company_id = $2 AND company_name IS DISTINCT FROM $3', [
      workspaceId,
      id,
      name,
    ]);
  }

  /** Live contacts and deals of a company (both counts are served by partial indexes on company_id). */
  async countRelated(manager: EntityManager, workspaceId: string, id: string): Promise<{ contactCount: number; dealCount: number }> {
    const rows: Array<{ contactCount: number; dealCount: number }> = await manager.query(
      `SELECT (SELECT count(*) FROM crm.contacts WHERE workspace_id = $1 AND company_id = $2 AND deleted_at IS NULL)::int AS "contactCount",
              (SELECT count(*) FROM crm.deals WHERE workspace_id = $1 AND company_id = $2 AND deleted_at IS NULL)::int AS "dealCount"`,
      [workspaceId, id],
    );
    return rows[0]!;
  }
}
