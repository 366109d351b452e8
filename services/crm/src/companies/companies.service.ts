import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { CrmEvents, InputOf } from '@kinship/contracts';
import type {
  CompanyDetail,
  CompanyFieldsBody,
  CompanyPage,
  CreateCompanyBody,
  ListCompaniesQuery,
  UpdateCompany,
  UpdateCompanyBody,
} from '@kinship/contracts/crm';
import { RpcError, type ErrorDetail } from '@kinship/messaging';
import { isUuid, newId, violatesUnique, withWorkspace } from '@kinship/persistence';
import { DomainEvents, type Emit } from '@kinship/platform';
import type { DataSource, EntityManager } from 'typeorm';
import { assertHolds, assertMayWrite, type CrmCaller } from '../common/crm-caller.js';
import { CursorCodec } from '../common/cursors.js';
import { listPage } from '../common/list-query.js';
import { toListRequest } from '../common/list-request.js';
import { normaliseAddress, normaliseDomain, normalisePhone, normaliseWebAddress, optionalText } from '../common/normalise.js';
import { defaultPhoneRegion } from '../common/workspace-settings.js';
import { WorkspaceUsers } from '../common/workspace-users.js';
import { CustomFieldValidator } from '../custom-fields/custom-field-values.js';
import {
  CompaniesRepository,
  COMPANY_COLUMNS,
  COMPANY_LIST,
  toCompany,
  toCompanyEvent,
  type Company,
  type CompanyFields,
  type CompanyRow,
} from './companies.repository.js';

const READ = 'companies:read';
const WRITE = 'companies:write';

function companyNotFound(): RpcError {
  return RpcError.notFound('Company');
}

/** Trimmed, without blanks and repeats (ignoring case, the first spelling kept), in the order given. */
function normaliseTags(tags: string[]): string[] {
  const seen = new Set<string>();
  return tags
    .map((tag) => tag.trim())
    .filter((tag) => {
      const key = tag.toLowerCase();
      if (!tag || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/** The address as stored (see normaliseAddress); 422 naming address.country when it names no country. */
function addressOf(address: CompanyFieldsBody['address']): CompanyFields['address'] {
  if (!address) return null;
  const normalised = normaliseAddress(address);
  if (!normalised.countryKnown)
    throw RpcError.validation([{ field: 'address.country', issue: 'must be an ISO 3166-1 alpha-2 country code (e.g. DE) or a country name' }]);
  return normalised.address;
}

function webAddressOf(value: string | null | undefined): string | null {
  const text = optionalText(value);
  return text === null ? null : normaliseWebAddress(text);
}

const COMPARED_FIELDS = [
  'name',
  'domain',
  'website',
  'linkedinUrl',
  'industry',
  'size',
  'employees',
  'annualRevenue',
  'phone',
  'address',
  'ownerId',
  'tags',
  'customFields',
] as const satisfies ReadonlyArray<keyof CompanyFields>;

function changedFields(before: CompanyFields, after: CompanyFields): string[] {
  return COMPARED_FIELDS.filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]));
}

/**
 * Companies: a domain is normalised ("https://www.Acme.com/about" → "acme.com") and unique among
 * the workspace's live companies (companies_domain_key decides, so concurrent writes cannot both
 * win); phones are stored in E.164, read in the workspace's default region. Deleting is soft:
 * contacts keep their company_id, so a restore brings the company back with its contacts.
 */
@Injectable()
export class CompaniesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    private readonly companies: CompaniesRepository,
    private readonly customFields: CustomFieldValidator,
    private readonly cursors: CursorCodec,
    private readonly users: WorkspaceUsers,
  ) {}

  async create(caller: CrmCaller, input: CreateCompanyBody): Promise<Company> {
    const { workspaceId } = caller;
    const ownerId = input.ownerId !== undefined ? input.ownerId : caller.userId;
    assertMayWrite(caller, WRITE, ownerId);
    await this.users.assertActive(caller, 'ownerId', input.ownerId);
    const website = webAddressOf(input.website);
    // A company without a domain takes its website's.
    const domain = input.domain ? this.domainOf(input.domain) : website ? normaliseDomain(website) : null;
    return this.domainConflicts(workspaceId, domain, () =>
      this.events.transaction(workspaceId, async (manager, emit) => {
        const fields: CompanyFields = {
          name: input.name.trim(),
          domain,
          website,
          linkedinUrl: webAddressOf(input.linkedinUrl),
          industry: optionalText(input.industry),
          size: input.size ?? null,
          employees: input.employees ?? null,
          annualRevenue: input.annualRevenue ? { amount: input.annualRevenue.amount, currency: input.annualRevenue.currency } : null,
          phone: input.phone ? await this.phoneOf(manager, workspaceId, input.phone) : null,
          address: addressOf(input.address),
          ownerId,
          tags: normaliseTags(input.tags ?? []),
          customFields: await this.customFields.apply(manager, workspaceId, 'company', {}, input.customFields ?? {}),
        };
        const row = await this.companies.insert(manager, { id: newId(), workspaceId, createdBy: caller.userId, ...fields });
        await emit<CrmEvents.CompanyCreated>({
          type: 'company.created',
          workspaceId,
          actorId: caller.userId,
          aggregateId: row.id,
          data: { company: toCompanyEvent(row) },
        });
        return toCompany(row);
      }),
    );
  }

  /** Live or deleted (deletedAt set), so a UI can show the trash. */
  async get(caller: CrmCaller, id: string): Promise<CompanyDetail> {
    assertHolds(caller, READ);
    if (!isUuid(id)) throw companyNotFound();
    const { workspaceId } = caller;
    return withWorkspace(this.dataSource, workspaceId, async (manager) => {
      const row = await this.companies.find(manager, workspaceId, id);
      if (!row) throw companyNotFound();
      return { ...toCompany(row), ...(await this.companies.countRelated(manager, workspaceId, id)) };
    });
  }

  async list(caller: CrmCaller, input: ListCompaniesQuery): Promise<CompanyPage> {
    assertHolds(caller, READ);
    const { workspaceId } = caller;
    const request = toListRequest(input);
    if (typeof request.filter.domain === 'string') request.filter.domain = normaliseDomain(request.filter.domain) ?? request.filter.domain.trim().toLowerCase();
    const page = await withWorkspace(this.dataSource, workspaceId, (manager) =>
      listPage<CompanyRow>(this.cursors, manager, workspaceId, COMPANY_LIST, request, COMPANY_COLUMNS),
    );
    return { data: page.rows.map(toCompany), nextCursor: page.nextCursor };
  }

  /**
   * Absent fields stay, null clears; the address and the tags are replaced as a whole, custom
   * fields key by key. A rename also renames the company in its contacts' company_name (the copy
   * contact search matches on) in the same transaction. A write that changes nothing emits nothing.
   */
  async update(caller: CrmCaller, input: InputOf<typeof UpdateCompany>): Promise<Company> {
    const { id, ...changes } = input;
    assertHolds(caller, WRITE);
    if (!isUuid(id)) throw companyNotFound();
    await this.users.assertActive(caller, 'ownerId', changes.ownerId);
    const { workspaceId } = caller;
    let domain: string | null = changes.domain ? this.domainOf(changes.domain) : null;
    return this.domainConflicts(
      workspaceId,
      () => domain,
      () =>
        this.events.transaction(workspaceId, (manager, emit) =>
          this.updateInTransaction(
            manager,
            emit,
            caller,
            id,
            () => changes,
            (resolved) => {
              domain = resolved;
            },
          ),
        ),
    );
  }

  /**
   * update() inside the caller's transaction (a bulk change's), for a checked id: `changesOf`
   * computes the change from the stored company (a bulk tag adds to each company's own tags).
   * `resolvedDomain` sees the domain about to be written, which the 409 of a taken domain names.
   */
  async updateInTransaction(
    manager: EntityManager,
    emit: Emit,
    caller: CrmCaller,
    id: string,
    changesOf: (current: CompanyRow) => UpdateCompanyBody,
    resolvedDomain: (domain: string | null) => void = () => undefined,
  ): Promise<Company> {
    const { workspaceId } = caller;
    const row = await this.companies.findLive(manager, workspaceId, id, { forUpdate: true });
    if (!row) throw companyNotFound();
    assertMayWrite(caller, WRITE, row.ownerId);
    const changes = changesOf(row);
    if (changes.ownerId !== undefined && changes.ownerId !== row.ownerId) assertMayWrite(caller, WRITE, changes.ownerId);
    const website = changes.website === undefined ? row.website : webAddressOf(changes.website);
    let domain = changes.domain === undefined ? row.domain : changes.domain ? this.domainOf(changes.domain) : null;
    // A company without a domain takes the domain of a website it is given.
    if (domain === null && changes.domain === undefined && changes.website) domain = website ? normaliseDomain(website) : null;
    resolvedDomain(domain);
    const address = changes.address === undefined ? undefined : addressOf(changes.address);
    const next: CompanyFields = {
      name: changes.name !== undefined ? changes.name.trim() : row.name,
      domain,
      website,
      linkedinUrl: changes.linkedinUrl === undefined ? row.linkedinUrl : webAddressOf(changes.linkedinUrl),
      industry: changes.industry === undefined ? row.industry : optionalText(changes.industry),
      size: changes.size === undefined ? row.size : changes.size,
      employees: changes.employees === undefined ? row.employees : changes.employees,
      annualRevenue:
        changes.annualRevenue === undefined
          ? row.annualRevenue
          : changes.annualRevenue
            ? { amount: changes.annualRevenue.amount, currency: changes.annualRevenue.currency }
            : null,
      phone: changes.phone === undefined ? row.phone : changes.phone ? await this.phoneOf(manager, workspaceId, changes.phone) : null,
      address: address === undefined ? row.address : address,
      ownerId: changes.ownerId === undefined ? row.ownerId : changes.ownerId,
      tags: changes.tags === undefined ? row.tags : normaliseTags(changes.tags),
      customFields: changes.customFields
        ? await this.customFields.apply(manager, workspaceId, 'company', row.customFields, changes.customFields)
        : row.customFields,
    };
    const changed = changedFields(row, next);
    if (changed.length === 0) return toCompany(row);
    const updated = await this.companies.update(manager, workspaceId, id, next);
    if (changed.includes('name')) await this.companies.renameInContacts(manager, workspaceId, id, updated.name);
    await emit<CrmEvents.CompanyUpdated>({
      type: 'company.updated',
      workspaceId,
      actorId: caller.userId,
      aggregateId: id,
      data: { company: toCompanyEvent(updated), changedFields: changed },
    });
    return toCompany(updated);
  }

  /** Soft delete: the company leaves lists and frees its domain; its contacts keep pointing at it. */
  async delete(caller: CrmCaller, id: string): Promise<Record<string, never>> {
    assertHolds(caller, WRITE);
    if (!isUuid(id)) throw companyNotFound();
    const { workspaceId } = caller;
    await this.events.transaction(workspaceId, (manager, emit) => this.deleteInTransaction(manager, emit, caller, id));
    return {};
  }

  /** delete() inside the caller's transaction (a bulk change's), for a checked id. */
  async deleteInTransaction(manager: EntityManager, emit: Emit, caller: CrmCaller, id: string): Promise<void> {
    const { workspaceId } = caller;
    const row = await this.companies.findLive(manager, workspaceId, id, { forUpdate: true });
    if (!row) throw companyNotFound();
    assertMayWrite(caller, WRITE, row.ownerId);
    await this.companies.setDeleted(manager, workspaceId, id, true);
    await emit<CrmEvents.CompanyDeleted>({ type: 'company.deleted', workspaceId, actorId: caller.userId, aggregateId: id, data: { companyId: id } });
  }

  /** Brings a deleted company back; a live one is returned unchanged. 409 when a live company has taken its domain meanwhile. */
  async restore(caller: CrmCaller, id: string): Promise<Company> {
    assertHolds(caller, WRITE);
    if (!isUuid(id)) throw companyNotFound();
    const { workspaceId } = caller;
    let domain: string | null = null;
    return this.domainConflicts(
      workspaceId,
      () => domain,
      () =>
        this.events.transaction(workspaceId, async (manager, emit) => {
          const row = await this.companies.find(manager, workspaceId, id, { forUpdate: true });
          if (!row) throw companyNotFound();
          assertMayWrite(caller, WRITE, row.ownerId);
          if (!row.deletedAt) return toCompany(row);
          domain = row.domain;
          const restored = await this.companies.setDeleted(manager, workspaceId, id, false);
          await emit<CrmEvents.CompanyRestored>({
            type: 'company.restored',
            workspaceId,
            actorId: caller.userId,
            aggregateId: id,
            data: { company: toCompanyEvent(restored) },
          });
          return toCompany(restored);
        }),
    );
  }

  private domainOf(input: string): string {
    const domain = normaliseDomain(input);
    if (!domain) throw RpcError.validation([{ field: 'domain', issue: 'must be a domain name or a web address, e.g. acme.com' }]);
    return domain;
  }

  private async phoneOf(manager: EntityManager, workspaceId: string, input: string): Promise<string> {
    const region = await defaultPhoneRegion(manager, workspaceId);
    const phone = normalisePhone(input, region);
    if (!phone) throw RpcError.validation([{ field: 'phone', issue: `must be a phone number (with a country code, or of the workspace's region ${region})` }]);
    return phone;
  }

  /**
   * Runs a write; when companies_domain_key refuses it (the transaction has rolled back), answers
   * 409 naming the live company that holds the domain. The index, not a prior check, decides, so
   * two concurrent writes of one domain cannot both succeed.
   */
  private async domainConflicts<T>(workspaceId: string, domain: string | null | (() => string | null), write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      const contested = typeof domain === 'function' ? domain() : domain;
      if (!contested || !violatesUnique(error, 'companies_domain_key')) throw error;
      const holder = await withWorkspace(this.dataSource, workspaceId, (manager) => this.companies.findLiveByDomain(manager, workspaceId, contested));
      const detail: ErrorDetail = { field: 'domain', issue: 'is already used by another company', ...(holder ? { existingId: holder.id } : {}) };
      throw RpcError.conflict('A company with this domain already exists.', [detail]);
    }
  }
}
