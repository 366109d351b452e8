import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { onlyOwnRecords, type CrmEvents } from '@kinship/contracts';
import {
  TICKET_CUSTOM_FIELDS_MAX,
  TICKET_TAGS_MAX,
  type CreateCommentBody,
  type CommentAuthor,
  type CreateTicketBody,
  type ListTicketsQuery,
  type Ticket,
  type TicketComment,
  type TicketCommentAttachment,
  type TicketCommentPage,
  type TicketPage,
  type TicketPriority,
  type UpdateTicketBody,
} from '@kinship/contracts/crm';
import { RpcError } from '@kinship/messaging';
import { isUuid, newId, withWorkspace } from '@kinship/persistence';
import { DomainEvents, type Emit } from '@kinship/platform';
import type { DataSource, EntityManager } from 'typeorm';
import { assertHolds, type CrmCaller } from '../common/crm-caller.js';
import { DEFAULT_PAGE_SIZE, type ListFilter } from '../common/list-query.js';
import { assertRelatedExists } from '../common/related-records.js';
import { WorkspaceUsers } from '../common/workspace-users.js';
import { TicketEmailReplies } from './email/ticket-email-replies.js';
import { SlaClock } from './sla-clock.js';
import { SupportSettingsRepository, type TicketSettingsRecord } from './support-settings.repository.js';
import { PRIORITY_RANK, TicketsRepository, toTicket, type TicketRecord, type TicketValues } from './tickets.repository.js';

const CUSTOM_FIELD_KEY = /^[a-z][a-z0-9_]{0,63}$/;
const CUSTOM_FIELD_TEXT_MAX = 1000;
const RAISED: Record<TicketPriority, TicketPriority> = { low: 'normal', normal: 'high', high: 'urgent', urgent: 'urgent' };

/** What a comment says, by whom, with which files of its email. */
export interface NewComment {
  body: string;
  internal: boolean;
  author: CommentAuthor;
  attachments: TicketCommentAttachment[];
}

function ticketNotFound(): RpcError {
  return RpcError.notFound('Ticket');
}

/** The ticket as events carry it (proto Ticket). */
export function eventTicket(ticket: TicketRecord): CrmEvents.Ticket {
  return {
    id: ticket.id,
    subject: ticket.subject,
    status: ticket.status,
    priority: ticket.priority,
    priorityReason: ticket.priorityReason,
    type: ticket.type,
    channel: ticket.channel,
    contactId: ticket.contactId,
    companyId: ticket.companyId,
    assigneeId: ticket.assigneeId,
    tags: ticket.tags,
    firstResponseDueAt: ticket.firstResponseDueAt?.toISOString() ?? null,
    resolutionDueAt: ticket.resolutionDueAt?.toISOString() ?? null,
    createdBy: ticket.createdBy,
    createdAt: ticket.createdAt.toISOString(),
  };
}

function cleanTags(tags: string[]): string[] {
  return [...new Set(tags.map((tag) => tag.trim()).filter(Boolean))];
}

/** Custom values: keys in lower case, scalar values; null removes a value. 422 naming the field otherwise. */
function mergeCustomFields(current: Record<string, unknown>, changes: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(changes)) {
    const field = `customFields.${key.slice(0, 64)}`;
    if (!CUSTOM_FIELD_KEY.test(key))
      throw RpcError.validation([{ field, issue: 'must be lower case letters, digits and _, starting with a letter, at most 64 characters' }]);
    if (value === null) {
      delete merged[key];
    } else if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) {
      merged[key] = value;
    } else if (typeof value === 'string' && value.length <= CUSTOM_FIELD_TEXT_MAX && !value.includes('\u0000')) {
      merged[key] = value;
    } else {
      throw RpcError.validation([{ field, issue: `must be a string of at most ${CUSTOM_FIELD_TEXT_MAX} characters, a number, a boolean or null` }]);
    }
  }
  if (Object.keys(merged).length > TICKET_CUSTOM_FIELDS_MAX)
    throw RpcError.validation([{ field: 'customFields', issue: `must hold at most ${TICKET_CUSTOM_FIELDS_MAX} values` }]);
  return merged;
}

/** The API names of the fields that differ between two versions of a ticket. */
function changedFields(before: TicketRecord, after: TicketValues): string[] {
  const scalar = ['subject', 'description', 'status', 'priority', 'priorityReason', 'type', 'channel', 'contactId', 'companyId', 'assigneeId'] as const;
  const changed: string[] = scalar.filter((field) => before[field] !== after[field]);
  if (JSON.stringify(before.tags) !== JSON.stringify(after.tags)) changed.push('tags');
  if (JSON.stringify(before.customFields) !== JSON.stringify(after.customFields)) changed.push('customFields');
  return changed;
}

function valuesOf(record: TicketRecord): TicketValues {
  return {
    subject: record.subject,
    description: record.description,
    status: record.status,
    priority: record.priority,
    priorityReason: record.priorityReason,
    type: record.type,
    channel: record.channel,
    contactId: record.contactId,
    companyId: record.companyId,
    assigneeId: record.assigneeId,
    tags: [...record.tags],
    customFields: record.customFields,
    createdAt: record.createdAt,
    firstRespondedAt: record.firstRespondedAt,
    firstResponseDueAt: record.firstResponseDueAt,
    nextResponseDueAt: record.nextResponseDueAt,
    resolutionDueAt: record.resolutionDueAt,
    pausedAt: record.pausedAt,
    pausedSeconds: record.pausedSeconds,
    resolvedAt: record.resolvedAt,
    slaWarned: [...record.slaWarned],
    slaBreached: [...record.slaBreached],
  };
}

/**
 * Support tickets: CRUD with soft delete, comments, assignment (by hand or by the workspace's
 * auto-assignment), merging of duplicates, and the SLA clock each of those moves. Members change
 * only the tickets assigned to them or opened by them; anyone who may write tickets may comment.
 */
@Injectable()
export class TicketsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    private readonly tickets: TicketsRepository,
    private readonly settings: SupportSettingsRepository,
    private readonly users: WorkspaceUsers,
    private readonly emailReplies: TicketEmailReplies,
  ) {}

  async create(caller: CrmCaller, input: CreateTicketBody): Promise<Ticket> {
    assertHolds(caller, 'tickets:write');
    await this.users.assertActive(caller, 'assigneeId', input.assigneeId);
    const { workspaceId } = caller;
    const candidates = input.assigneeId === undefined ? await this.autoAssignees(caller) : [];
    return this.events.transaction(workspaceId, async (manager, emit) => toTicket(await this.open(manager, emit, caller, input, candidates)));
  }

  /**
   * Opens a ticket in the caller's transaction; `candidates` are the auto-assignment's active members
   * (asked of auth before the transaction, none when assigneeId is given).
   */
  async open(manager: EntityManager, emit: Emit, caller: CrmCaller, input: CreateTicketBody, candidates: string[]): Promise<TicketRecord> {
    const { workspaceId } = caller;
    if (input.contactId) await assertRelatedExists(manager, workspaceId, { type: 'contact', id: input.contactId }, 'contactId');
    if (input.companyId) await assertRelatedExists(manager, workspaceId, { type: 'company', id: input.companyId }, 'companyId');
    const settings = await this.settings.settings(manager, workspaceId, candidates.length > 0);
    const now = new Date();
    const values: TicketValues = {
      subject: input.subject.trim(),
      description: input.description ?? null,
      status: 'new',
      priority: input.priority ?? 'normal',
      priorityReason: null,
      type: input.type ?? null,
      channel: input.channel ?? 'api',
      contactId: input.contactId ?? null,
      companyId: input.companyId ?? null,
      assigneeId: input.assigneeId ?? (await this.pickAssignee(manager, workspaceId, settings, candidates)),
      tags: cleanTags(input.tags ?? []),
      customFields: mergeCustomFields({}, input.customFields ?? {}),
      createdAt: now,
      firstRespondedAt: null,
      firstResponseDueAt: null,
      nextResponseDueAt: null,
      resolutionDueAt: null,
      pausedAt: null,
      pausedSeconds: 0,
      resolvedAt: null,
      slaWarned: [],
      slaBreached: [],
    };
    if (settings.escalateOverdueInvoices) await this.escalateIfOwing(manager, workspaceId, values);
    const clock = await this.clock(manager, workspaceId, values.priority);
    clock.start(values);
    clock.setStatus(values, input.status ?? 'new', now);
    const ticket = await this.tickets.insert(manager, workspaceId, newId(), values, caller.userId);
    await emit<CrmEvents.TicketCreated>({
      type: 'ticket.created',
      workspaceId,
      actorId: caller.userId,
      aggregateId: ticket.id,
      data: { ticket: eventTicket(ticket) },
    });
    if (ticket.assigneeId) {
      await emit<CrmEvents.TicketAssigned>({
        type: 'ticket.assigned',
        workspaceId,
        actorId: caller.userId,
        aggregateId: ticket.id,
        data: { ticket: eventTicket(ticket), previousAssigneeId: null, automatic: input.assigneeId === undefined },
      });
    }
    return ticket;
  }

  async get(caller: CrmCaller, id: string): Promise<Ticket> {
    assertHolds(caller, 'tickets:read');
    if (!isUuid(id)) throw ticketNotFound();
    const ticket = await withWorkspace(this.dataSource, caller.workspaceId, (manager) => this.tickets.find(manager, caller.workspaceId, id));
    if (!ticket) throw ticketNotFound();
    return toTicket(ticket);
  }

  async list(caller: CrmCaller, input: ListTicketsQuery): Promise<TicketPage> {
    assertHolds(caller, 'tickets:read');
    const { limit, cursor, sort, q, ...filters } = input;
    const filter: ListFilter = Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined && value !== null));
    if (filter.assigneeId === 'me') {
      if (!caller.userId)
        throw new RpcError(400, 'invalid_parameter', 'An API key has no user: name the assignee.', [
          { field: 'assigneeId', issue: 'me needs a signed-in user' },
        ]);
      filter.assigneeId = caller.userId;
    }
    if (input.priority) filter.priority = input.priority.map((priority) => PRIORITY_RANK[priority]);
    const now = new Date();
    const page = await withWorkspace(this.dataSource, caller.workspaceId, (manager) =>
      this.tickets.list(manager, caller.workspaceId, { filter, q, sort, limit, cursor }),
    );
    return { data: page.rows.map((row) => toTicket(row, now)), nextCursor: page.nextCursor };
  }

  async update(caller: CrmCaller, id: string, input: Omit<UpdateTicketBody, 'id'>): Promise<Ticket> {
    await this.users.assertActive(caller, 'assigneeId', input.assigneeId);
    if (!isUuid(id)) throw ticketNotFound();
    return this.events.transaction(caller.workspaceId, (manager, emit) => this.updateInTransaction(manager, emit, caller, id, input));
  }

  /**
   * update() inside the caller's transaction (a bulk change's), for a checked id and assignee: the
   * live ticket's values changed in place (with the clock). Emits ticket.updated when anything
   * changed, then ticket.assigned when it got a (new) assignee.
   */
  async updateInTransaction(manager: EntityManager, emit: Emit, caller: CrmCaller, id: string, input: Omit<UpdateTicketBody, 'id'>): Promise<Ticket> {
    const { workspaceId } = caller;
    const before = await this.tickets.find(manager, workspaceId, id, true);
    if (!before || before.deletedAt) throw ticketNotFound();
    this.assertMayChange(caller, before);
    const values = valuesOf(before);
    const now = new Date();
    if (input.contactId && input.contactId !== values.contactId)
      await assertRelatedExists(manager, workspaceId, { type: 'contact', id: input.contactId }, 'contactId');
    if (input.companyId && input.companyId !== values.companyId)
      await assertRelatedExists(manager, workspaceId, { type: 'company', id: input.companyId }, 'companyId');
    if (input.subject !== undefined) values.subject = input.subject.trim();
    if (input.description !== undefined) values.description = input.description;
    if (input.type !== undefined) values.type = input.type;
    if (input.channel !== undefined) values.channel = input.channel;
    if (input.contactId !== undefined) values.contactId = input.contactId;
    if (input.companyId !== undefined) values.companyId = input.companyId;
    if (input.assigneeId !== undefined) values.assigneeId = input.assigneeId;
    if (input.tags !== undefined) values.tags = cleanTags(input.tags);
    if (input.customFields !== undefined) values.customFields = mergeCustomFields(values.customFields, input.customFields);
    if (values.tags.length > TICKET_TAGS_MAX) throw RpcError.validation([{ field: 'tags', issue: `must hold at most ${TICKET_TAGS_MAX} different tags` }]);
    // A priority a person sets replaces the one crm raised, and brings that priority's deadlines.
    if (input.priority !== undefined && (input.priority !== values.priority || values.priorityReason)) {
      values.priority = input.priority;
      values.priorityReason = null;
      (await this.clock(manager, workspaceId, values.priority)).start(values);
    }
    if (input.status !== undefined) (await this.clock(manager, workspaceId, values.priority)).setStatus(values, input.status, now);
    return toTicket(await this.save(manager, emit, caller, before, values), now);
  }

  /** A change of the assignee alone (what a bulk assign does to each ticket too). */
  assign(caller: CrmCaller, id: string, assigneeId: string | null): Promise<Ticket> {
    return this.update(caller, id, { assigneeId });
  }

  async delete(caller: CrmCaller, id: string): Promise<void> {
    if (!isUuid(id)) throw ticketNotFound();
    await this.events.transaction(caller.workspaceId, (manager, emit) => this.deleteInTransaction(manager, emit, caller, id));
  }

  /** delete() inside the caller's transaction (a bulk change's), for a checked id. */
  async deleteInTransaction(manager: EntityManager, emit: Emit, caller: CrmCaller, id: string): Promise<void> {
    const { workspaceId } = caller;
    const ticket = await this.tickets.find(manager, workspaceId, id, true);
    if (!ticket || ticket.deletedAt) throw ticketNotFound();
    this.assertMayChange(caller, ticket);
    await this.tickets.setDeleted(manager, workspaceId, id, true);
    await emit<CrmEvents.TicketDeleted>({ type: 'ticket.deleted', workspaceId, actorId: caller.userId, aggregateId: id, data: { ticketId: id } });
  }

  /** Restoring a live ticket returns it unchanged; a merged one stays merged. */
  async restore(caller: CrmCaller, id: string): Promise<Ticket> {
    if (!isUuid(id)) throw ticketNotFound();
    const { workspaceId } = caller;
    return this.events.transaction(workspaceId, async (manager, emit) => {
      const ticket = await this.tickets.find(manager, workspaceId, id, true);
      if (!ticket) throw ticketNotFound();
      this.assertMayChange(caller, ticket);
      if (!ticket.deletedAt) return toTicket(ticket);
      if (ticket.mergedIntoId) {
        throw RpcError.conflict('The ticket was merged into another and cannot be restored.', [
          { field: 'id', issue: 'was merged', existingId: ticket.mergedIntoId },
        ]);
      }
      const restored = await this.tickets.setDeleted(manager, workspaceId, id, false);
      await emit<CrmEvents.TicketRestored>({
        type: 'ticket.restored',
        workspaceId,
        actorId: caller.userId,
        aggregateId: id,
        data: { ticket: eventTicket(restored) },
      });
      return toTicket(restored);
    });
  }

  /** Moves the duplicate's comments and tags into the ticket; the duplicate is closed, deleted and names it. */
  async merge(caller: CrmCaller, id: string, otherId: string): Promise<Ticket> {
    if (!isUuid(id)) throw ticketNotFound();
    if (otherId === id) throw RpcError.validation([{ field: 'otherId', issue: 'must be another ticket' }]);
    const { workspaceId } = caller;
    return this.events.transaction(workspaceId, async (manager, emit) => {
      // Locked in id order, so two merges of the same pair the other way round cannot deadlock.
      const [first, second] = [id, otherId].sort();
      const locked = new Map<string, TicketRecord | null>();
      for (const ticketId of [first!, second!]) locked.set(ticketId, await this.tickets.find(manager, workspaceId, ticketId, true));
      const survivor = locked.get(id);
      const duplicate = locked.get(otherId);
      if (!survivor || survivor.deletedAt) throw ticketNotFound();
      if (!duplicate || duplicate.deletedAt) throw RpcError.validation([{ field: 'otherId', issue: 'is not a live ticket of this workspace' }]);
      this.assertMayChange(caller, survivor);
      this.assertMayChange(caller, duplicate);
      await this.tickets.mergeInto(manager, workspaceId, id, otherId);
      const values = valuesOf(survivor);
      values.tags = cleanTags([...survivor.tags, ...duplicate.tags]).slice(0, TICKET_TAGS_MAX);
      const merged = await this.tickets.update(manager, workspaceId, id, values);
      await emit<CrmEvents.TicketMerged>({
        type: 'ticket.merged',
        workspaceId,
        actorId: caller.userId,
        aggregateId: id,
        data: { ticket: eventTicket(merged), mergedTicketId: otherId },
      });
      return toTicket(merged);
    });
  }

  /** A comment, and what it does to the SLA clock: an agent's public reply answers, a customer's reply awaits an answer. */
  async comment(caller: CrmCaller, id: string, input: Omit<CreateCommentBody, 'id'>): Promise<TicketComment> {
    assertHolds(caller, 'tickets:write');
    if (!isUuid(id)) throw ticketNotFound();
    const { workspaceId } = caller;
    const author = input.author ?? 'agent';
    // What a customer said reached them already: it is never internal.
    const internal = author === 'agent' && (input.internal ?? false);
    return this.events.transaction(workspaceId, async (manager, emit) => {
      const before = await this.tickets.find(manager, workspaceId, id, true);
      if (!before || before.deletedAt) throw ticketNotFound();
      return this.addComment(manager, emit, caller, before, { body: input.body, internal, author, attachments: [] });
    });
  }

  /**
   * A comment on a live ticket locked by the caller's transaction, and what it does to the SLA
   * clock. `moveClock: false` records without moving it (the email that opened the ticket).
   */
  async addComment(manager: EntityManager, emit: Emit, caller: CrmCaller, before: TicketRecord, comment: NewComment, moveClock = true): Promise<TicketComment> {
    const { workspaceId } = caller;
    const { internal, author } = comment;
    // The comment's time is the response's time.
    const now = new Date();
    const stored = await this.tickets.insertComment(manager, workspaceId, {
      id: newId(),
      ticketId: before.id,
      ...comment,
      authorId: caller.userId,
      createdAt: now,
    });
    await emit<CrmEvents.TicketCommented>({
      type: 'ticket.commented',
      workspaceId,
      actorId: caller.userId,
      aggregateId: before.id,
      data: { ticketId: before.id, commentId: stored.id, internal, author },
    });
    await this.emailReplies.agentCommented(manager, emit, workspaceId, before, stored);
    if (!internal && moveClock) {
      const values = valuesOf(before);
      const clock = await this.clock(manager, workspaceId, values.priority);
      if (author === 'agent') clock.agentReplied(values, now);
      else clock.customerReplied(values, now);
      await this.save(manager, emit, caller, before, values);
    }
    return stored;
  }

  async comments(caller: CrmCaller, id: string, limit: number | undefined, cursor: string | undefined): Promise<TicketCommentPage> {
    assertHolds(caller, 'tickets:read');
    if (!isUuid(id)) throw ticketNotFound();
    const page = await withWorkspace(this.dataSource, caller.workspaceId, async (manager) => {
      if (!(await this.tickets.find(manager, caller.workspaceId, id))) throw ticketNotFound();
      return this.tickets.comments(manager, caller.workspaceId, id, limit ?? DEFAULT_PAGE_SIZE, cursor);
    });
    return { data: page.rows, nextCursor: page.nextCursor };
  }

  /**
   * billing's invoice.overdue: the open tickets of its customer not escalated yet are raised one
   * priority level, each saying why, with the deadlines of their new priority.
   */
  async escalateForInvoice(
    manager: EntityManager,
    emit: Emit,
    workspaceId: string,
    invoice: { number: string; dueDate: string; contactId: string | null; companyId: string | null },
  ): Promise<void> {
    if (!(await this.settings.settings(manager, workspaceId)).escalateOverdueInvoices) return;
    for (const ticket of await this.tickets.ofCustomer(manager, workspaceId, invoice.contactId, invoice.companyId)) {
      const values = valuesOf(ticket);
      if (!this.raise(values, invoice)) continue;
      (await this.clock(manager, workspaceId, values.priority)).start(values);
      await this.save(manager, emit, { workspaceId, userId: null, role: null, scopes: [] }, ticket, values);
    }
  }

  /** Writes the values when they differ from the stored ticket, with ticket.updated (and ticket.assigned). */
  private async save(manager: EntityManager, emit: Emit, caller: CrmCaller, before: TicketRecord, values: TicketValues): Promise<TicketRecord> {
    const changed = changedFields(before, values);
    const clockMoved =
      JSON.stringify([
        before.firstResponseDueAt,
        before.nextResponseDueAt,
        before.resolutionDueAt,
        before.firstRespondedAt,
        before.resolvedAt,
        before.pausedAt,
      ]) !==
      JSON.stringify([
        values.firstResponseDueAt,
        values.nextResponseDueAt,
        values.resolutionDueAt,
        values.firstRespondedAt,
        values.resolvedAt,
        values.pausedAt,
      ]);
    if (changed.length === 0 && !clockMoved) return before;
    const { workspaceId } = caller;
    const after = await this.tickets.update(manager, workspaceId, before.id, values);
    if (changed.length > 0) {
      await emit<CrmEvents.TicketUpdated>({
        type: 'ticket.updated',
        workspaceId,
        actorId: caller.userId,
        aggregateId: after.id,
        data: { ticket: eventTicket(after), changedFields: changed },
      });
    }
    if (after.assigneeId && after.assigneeId !== before.assigneeId) {
      await emit<CrmEvents.TicketAssigned>({
        type: 'ticket.assigned',
        workspaceId,
        actorId: caller.userId,
        aggregateId: after.id,
        data: { ticket: eventTicket(after), previousAssigneeId: before.assigneeId, automatic: false },
      });
    }
    return after;
  }

  /** Raises the priority one level for an overdue invoice and says why; false when it is urgent already. */
  private raise(values: TicketValues, invoice: { number: string; dueDate: string }): boolean {
    const raised = RAISED[values.priority];
    if (raised === values.priority) return false;
    values.priorityReason = `Raised from ${values.priority} to ${raised}: the customer's invoice ${invoice.number} is overdue (due ${invoice.dueDate}).`;
    values.priority = raised;
    return true;
  }

  /** At opening: a customer owing an overdue invoice gets the ticket one priority higher. */
  private async escalateIfOwing(manager: EntityManager, workspaceId: string, values: TicketValues): Promise<void> {
    if (!values.contactId && !values.companyId) return;
    const rows: Array<{ number: string; dueDate: string }> = await manager.query(
      `SELECT number, to_char(due_date, 'YYYY-MM-DD') AS "dueDate" FROM crm.overdue_invoices
       WHERE workspace_id = $1 AND (contact_id = $2 OR company_id = $3
         OR company_id = (SELECT c.company_id FROM crm.contacts c WHERE c.workspace_id = $1 AND c.id = $2))
       ORDER BY due_date, invoice_id LIMIT 1`,
      [workspaceId, values.contactId, values.companyId],
    );
    if (rows[0]) this.raise(values, rows[0]);
  }

  /** The clock of a priority: its SLA policy (if any) over the workspace's business hours. */
  private async clock(manager: EntityManager, workspaceId: string, priority: TicketPriority): Promise<SlaClock> {
    const { policy, hours } = await this.settings.clockRules(manager, workspaceId, priority);
    return new SlaClock(policy, hours);
  }

  /**
   * The auto-assignment's active members, asked of auth before the transaction opens (none when it is
   * off). An event handler passes its transaction's manager: the settings are read in it.
   */
  async autoAssignees(caller: CrmCaller, manager?: EntityManager): Promise<string[]> {
    const settings = manager
      ? await this.settings.settings(manager, caller.workspaceId)
      : await withWorkspace(this.dataSource, caller.workspaceId, (own) => this.settings.settings(own, caller.workspaceId));
    if (settings.assignment === 'none' || settings.assignees.length === 0) return [];
    const active = new Set(await this.users.active(caller, settings.assignees));
    return settings.assignees.filter((id) => active.has(id));
  }

  /** Round robin takes the next active member in the settings' order; least open the member holding the fewest open tickets (first listed on a tie). */
  private async pickAssignee(manager: EntityManager, workspaceId: string, settings: TicketSettingsRecord, candidates: string[]): Promise<string | null> {
    const active = candidates.filter((id) => settings.assignees.includes(id));
    if (settings.assignment === 'none' || active.length === 0) return null;
    if (settings.assignment === 'round_robin') {
      const order = settings.assignees;
      for (let step = 0; step < order.length; step++) {
        const index = (settings.nextAssignee + step) % order.length;
        if (active.includes(order[index]!)) {
          await this.settings.advanceTurn(manager, workspaceId, (index + 1) % order.length);
          return order[index]!;
        }
      }
      return null;
    }
    const counts = await this.tickets.openCounts(manager, workspaceId, active);
    return active.reduce((best, id) => ((counts.get(id) ?? 0) < (counts.get(best) ?? 0) ? id : best), active[0]!);
  }

  /** Members change only the tickets assigned to them or opened by them; viewers none. */
  private assertMayChange(caller: CrmCaller, ticket: TicketRecord): void {
    assertHolds(caller, 'tickets:write');
    if (caller.role && onlyOwnRecords(caller.role, 'tickets:write') && caller.userId !== ticket.assigneeId && caller.userId !== ticket.createdBy) {
      throw RpcError.forbidden('Members may change only the tickets assigned to them or opened by them.');
    }
  }
}
