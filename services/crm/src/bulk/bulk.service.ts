import { Injectable } from '@nestjs/common';
import type { InputOf, Permission } from '@kinship/contracts';
import type {
  BulkCompaniesBody,
  BulkContactsBody,
  BulkDealsBody,
  BulkObjectRecords,
  BulkRecordResult,
  BulkResult,
  BulkTasksBody,
  BulkTicketsBody,
} from '@kinship/contracts/crm';
import { RpcError } from '@kinship/messaging';
import { DomainEvents, type Emit } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import { assertHolds, type CrmCaller } from '../common/crm-caller.js';
import { WorkspaceUsers } from '../common/workspace-users.js';
import { CompaniesService } from '../companies/companies.service.js';
import { ContactsService } from '../contacts/contacts.service.js';
import { DealsService } from '../deals/deals.service.js';
import { ObjectRecordsService } from '../objects/object-records.service.js';
import { SegmentsService } from '../segments/segments.service.js';
import { TasksService } from '../tasks/tasks.service.js';
import { TicketsService } from '../tickets/tickets.service.js';

/** The change of one record of a bulk request, inside the request's transaction. */
type RecordChange = (manager: EntityManager, emit: Emit, id: string) => Promise<unknown>;

/** A record's tags after a bulk tag (its own, then the new ones) or untag (without those, any case). */
function tagsAfter(action: 'tag' | 'untag', own: string[], tags: string[]): string[] {
  if (action === 'tag') return [...own, ...tags];
  const removed = new Set(tags.map((tag) => tag.trim().toLowerCase()));
  return own.filter((tag) => !removed.has(tag.toLowerCase()));
}

function outcomeOf(id: string, error: unknown): BulkRecordResult {
  if (!(error instanceof RpcError)) return { id, status: 'error', message: 'The record could not be changed.' };
  if (error.status === 404) return { id, status: 'not_found', message: error.message };
  if (error.status === 403) return { id, status: 'forbidden', message: error.message };
  const detail = error.details[0];
  return { id, status: 'error', message: detail ? `${detail.field ?? ''} ${detail.issue}`.trim() : error.message };
}

/**
 * POST /<contacts|companies|deals|tasks|tickets>/bulk and POST /objects/:object/records/bulk: one
 * action on many records in one transaction, each record through its single operation's own code
 * (permission, owner rules, events) in a savepoint, so a record that fails is reported and the
 * others are changed. What the whole request names (the permission, a new owner or assignee, a
 * segment, the custom object) is checked first: a 403, 404 or 422 there changes nothing.
 */
@Injectable()
export class BulkService {
  constructor(
    private readonly events: DomainEvents,
    private readonly users: WorkspaceUsers,
    private readonly contacts: ContactsService,
    private readonly companies: CompaniesService,
    private readonly deals: DealsService,
    private readonly tasks: TasksService,
    private readonly segments: SegmentsService,
    private readonly tickets: TicketsService,
    private readonly records: ObjectRecordsService,
  ) {}

  async changeContacts(caller: CrmCaller, input: BulkContactsBody): Promise<BulkResult> {
    const { action } = input;
    await this.assertRequest(caller, 'contacts:write', action === 'owner' ? input.ownerId : undefined);
    if (action === 'segment') await this.segments.assertStaticSegment(caller, input.segmentId!);
    return this.apply(caller, input.ids, (manager, emit, id) => {
      if (action === 'delete') return this.contacts.deleteInTransaction(manager, emit, caller, id);
      if (action === 'segment') return this.segments.addContactInTransaction(manager, caller, input.segmentId!, id);
      if (action === 'owner') return this.contacts.updateInTransaction(manager, emit, caller, id, () => ({ ownerId: input.ownerId }));
      return this.contacts.updateInTransaction(manager, emit, caller, id, (current) => ({ tags: tagsAfter(action, current.tags, input.tags!) }));
    });
  }

  async changeCompanies(caller: CrmCaller, input: BulkCompaniesBody): Promise<BulkResult> {
    const { action } = input;
    await this.assertRequest(caller, 'companies:write', action === 'owner' ? input.ownerId : undefined);
    return this.apply(caller, input.ids, (manager, emit, id) => {
      if (action === 'delete') return this.companies.deleteInTransaction(manager, emit, caller, id);
      if (action === 'owner') return this.companies.updateInTransaction(manager, emit, caller, id, () => ({ ownerId: input.ownerId }));
      return this.companies.updateInTransaction(manager, emit, caller, id, (current) => ({ tags: tagsAfter(action, current.tags, input.tags!) }));
    });
  }

  async changeDeals(caller: CrmCaller, input: BulkDealsBody): Promise<BulkResult> {
    await this.assertRequest(caller, 'deals:write', input.action === 'owner' ? input.ownerId : undefined);
    return this.apply(caller, input.ids, (manager, emit, id) =>
      input.action === 'delete'
        ? this.deals.deleteInTransaction(manager, emit, caller, id)
        : this.deals.updateInTransaction(manager, emit, caller, { id, ownerId: input.ownerId }),
    );
  }

  async changeTasks(caller: CrmCaller, input: BulkTasksBody): Promise<BulkResult> {
    const { action } = input;
    await this.assertRequest(caller, 'tasks:write', action === 'owner' ? input.ownerId : undefined, 'assigneeId');
    return this.apply(caller, input.ids, (manager, emit, id) => {
      if (action === 'delete') return this.tasks.deleteInTransaction(manager, emit, caller, id);
      if (action === 'complete') return this.tasks.updateInTransaction(manager, emit, caller, { id, status: 'done' });
      return this.tasks.updateInTransaction(manager, emit, caller, { id, assigneeId: input.ownerId });
    });
  }

  async changeTickets(caller: CrmCaller, input: BulkTicketsBody): Promise<BulkResult> {
    const { action } = input;
    await this.assertRequest(caller, 'tickets:write', action === 'assign' ? input.assigneeId : undefined, 'assigneeId');
    return this.apply(caller, input.ids, (manager, emit, id) => {
      if (action === 'delete') return this.tickets.deleteInTransaction(manager, emit, caller, id);
      if (action === 'assign') return this.tickets.updateInTransaction(manager, emit, caller, id, { assigneeId: input.assigneeId ?? null });
      if (action === 'status') return this.tickets.updateInTransaction(manager, emit, caller, id, { status: input.status });
      return this.tickets.updateInTransaction(manager, emit, caller, id, { priority: input.priority });
    });
  }

  async changeObjectRecords(caller: CrmCaller, input: InputOf<typeof BulkObjectRecords>): Promise<BulkResult> {
    await this.records.assertMayWrite(caller, input.object);
    return this.apply(caller, input.ids, (manager, emit, id) => this.records.deleteInTransaction(manager, emit, caller, input.object, id));
  }

  /** The request as a whole: the permission (403), and an owner action's new owner an active user of the workspace (422). */
  private async assertRequest(
    caller: CrmCaller,
    permission: Permission,
    ownerId: string | null | undefined,
    field: 'ownerId' | 'assigneeId' = 'ownerId',
  ): Promise<void> {
    assertHolds(caller, permission);
    await this.users.assertActive(caller, field, ownerId);
  }

  /** Each id once, in the order sent, in one transaction (a savepoint each). */
  private async apply(caller: CrmCaller, ids: string[], change: RecordChange): Promise<BulkResult> {
    const unique = [...new Set(ids)];
    const outcomes = await this.events.transactionEach(caller.workspaceId, unique, change);
    const results = outcomes.map((outcome, index): BulkRecordResult => {
      const id = unique[index]!;
      return 'error' in outcome ? outcomeOf(id, outcome.error) : { id, status: 'ok', message: null };
    });
    const succeeded = results.filter((result) => result.status === 'ok').length;
    return { results, succeeded, failed: results.length - succeeded };
  }
}
