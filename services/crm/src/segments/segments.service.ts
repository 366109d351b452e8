import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RpcError } from '@kinship/messaging';
import { isUuid, newId, withWorkspace } from '@kinship/persistence';
import { DomainEvents } from '@kinship/platform';
import type { DataSource, EntityManager } from 'typeorm';
import type { InputOf } from '@kinship/contracts';
import type { AddSegmentContacts, CreateSegmentBody, ListSegmentMembers, ListSegmentsQuery, UpdateSegment } from '@kinship/contracts/crm';
import { assertHolds, type CrmCaller } from '../common/crm-caller.js';
import { CursorCodec } from '../common/cursors.js';
import { countMatching, listPage, SqlConditions, type ListRequest } from '../common/list-query.js';
import { toListRequest } from '../common/list-request.js';
import { CONTACT_COLUMNS, CONTACT_LIST, toContactRecord, type ContactRecord, type ContactRow } from '../contacts/contact.model.js';
import { CustomFieldValidator } from '../custom-fields/custom-field-values.js';
import { checkContactFilter, splitSearch } from './contact-filter.js';
import { SegmentsRepository, staticMemberCondition, type Segment } from './segments.repository.js';

export interface SegmentPage {
  data: Segment[];
  nextCursor: string | null;
}

export interface SegmentMemberPage {
  data: ContactRecord[];
  nextCursor: string | null;
}

function notFound(): RpcError {
  return RpcError.notFound('Segment');
}

/**
 * Segments of contacts. A static segment lists its members (crm.segment_contacts); a dynamic one
 * stores a filter of GET /contacts and its members are whoever matches it when asked. Deleted
 * contacts are never members: a static segment keeps their row, so restoring the contact brings
 * it back into the segment.
 */
@Injectable()
export class SegmentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    private readonly segments: SegmentsRepository,
    private readonly customFields: CustomFieldValidator,
    private readonly cursors: CursorCodec,
  ) {}

  async create(caller: CrmCaller, input: CreateSegmentBody): Promise<Segment> {
    assertHolds(caller, 'segments:write');
    const { workspaceId } = caller;
    if (input.kind === 'dynamic' && input.contactIds !== undefined)
      throw RpcError.validation([{ field: 'contactIds', issue: 'must be absent for a dynamic segment' }]);
    if (input.kind === 'static' && input.filter !== undefined) throw RpcError.validation([{ field: 'filter', issue: 'must be absent for a static segment' }]);
    if (input.kind === 'dynamic' && input.filter === undefined) throw RpcError.validation([{ field: 'filter', issue: 'is required for a dynamic segment' }]);
    return this.events.transaction(workspaceId, async (manager) => {
      const filter = input.kind === 'dynamic' ? await checkContactFilter(manager, this.customFields, workspaceId, input.filter) : null;
      const segment = await this.segments.insert(manager, {
        id: newId(),
        workspaceId,
        name: input.name.trim(),
        kind: input.kind,
        filter,
        createdBy: caller.userId,
      });
      if (input.contactIds?.length) await this.addLiveContacts(manager, workspaceId, segment.id, input.contactIds);
      return segment;
    });
  }

  async get(caller: CrmCaller, id: string): Promise<Segment> {
    assertHolds(caller, 'segments:read');
    return withWorkspace(this.dataSource, caller.workspaceId, (manager) => this.find(manager, caller.workspaceId, id));
  }

  async list(caller: CrmCaller, query: ListSegmentsQuery): Promise<SegmentPage> {
    assertHolds(caller, 'segments:read');
    const page = await withWorkspace(this.dataSource, caller.workspaceId, (manager) => this.segments.list(manager, caller.workspaceId, toListRequest(query)));
    return { data: page.rows, nextCursor: page.nextCursor };
  }

  async update(caller: CrmCaller, input: InputOf<typeof UpdateSegment>): Promise<Segment> {
    assertHolds(caller, 'segments:write');
    const { workspaceId } = caller;
    return this.events.transaction(workspaceId, async (manager) => {
      const segment = await this.findLive(manager, workspaceId, input.id);
      if (input.filter !== undefined && segment.kind === 'static')
        throw RpcError.validation([{ field: 'filter', issue: 'must be absent for a static segment' }]);
      const filter = input.filter === undefined ? undefined : await checkContactFilter(manager, this.customFields, workspaceId, input.filter);
      return this.segments.update(manager, workspaceId, segment.id, { name: input.name?.trim(), filter });
    });
  }

  async delete(caller: CrmCaller, id: string): Promise<void> {
    assertHolds(caller, 'segments:write');
    await this.events.transaction(caller.workspaceId, async (manager) => {
      const segment = await this.findLive(manager, caller.workspaceId, id);
      await this.segments.setDeleted(manager, caller.workspaceId, segment.id, true);
    });
  }

  async restore(caller: CrmCaller, id: string): Promise<Segment> {
    assertHolds(caller, 'segments:write');
    return this.events.transaction(caller.workspaceId, async (manager) => {
      const segment = await this.find(manager, caller.workspaceId, id, true);
      return segment.deletedAt ? this.segments.setDeleted(manager, caller.workspaceId, segment.id, false) : segment;
    });
  }

  /** Adds live contacts of the workspace to a static segment; already members stay. Returns the new count. */
  async addContacts(caller: CrmCaller, input: InputOf<typeof AddSegmentContacts>): Promise<{ count: number }> {
    assertHolds(caller, 'segments:write');
    const { workspaceId } = caller;
    return this.events.transaction(workspaceId, async (manager) => {
      const segment = await this.findLiveStatic(manager, workspaceId, input.id);
      await this.addLiveContacts(manager, workspaceId, segment.id, input.contactIds);
      return { count: await this.segments.countStaticMembers(manager, workspaceId, segment.id) };
    });
  }

  /** Before a bulk "add to segment": the segment must be a live static one (else 422 naming segmentId, nothing changed). */
  async assertStaticSegment(caller: CrmCaller, id: string): Promise<void> {
    assertHolds(caller, 'segments:write');
    const segment = isUuid(id)
      ? await withWorkspace(this.dataSource, caller.workspaceId, (manager) => this.segments.find(manager, caller.workspaceId, id))
      : null;
    if (!segment || segment.deletedAt || segment.kind !== 'static') {
      throw RpcError.validation([{ field: 'segmentId', issue: 'must be a live static segment of the workspace' }]);
    }
  }

  /** addContacts() of one contact inside the caller's transaction (a bulk change's); 404 when it is not a live contact. */
  async addContactInTransaction(manager: EntityManager, caller: CrmCaller, segmentId: string, contactId: string): Promise<void> {
    assertHolds(caller, 'segments:write');
    const { workspaceId } = caller;
    const segment = await this.findLiveStatic(manager, workspaceId, segmentId);
    if (!(await this.segments.liveContactIds(manager, workspaceId, [contactId])).has(contactId)) throw RpcError.notFound('Contact');
    await this.segments.addMembers(manager, workspaceId, segment.id, [contactId]);
  }

  /** Removes contacts from a static segment; ids that are not members are ignored. Returns the new count. */
  async removeContacts(caller: CrmCaller, input: InputOf<typeof AddSegmentContacts>): Promise<{ count: number }> {
    assertHolds(caller, 'segments:write');
    const { workspaceId } = caller;
    return this.events.transaction(workspaceId, async (manager) => {
      const segment = await this.findLiveStatic(manager, workspaceId, input.id);
      await this.segments.removeMembers(manager, workspaceId, segment.id, input.contactIds.filter(isUuid));
      return { count: await this.segments.countStaticMembers(manager, workspaceId, segment.id) };
    });
  }

  async count(caller: CrmCaller, id: string): Promise<{ count: number }> {
    assertHolds(caller, 'segments:read');
    const { workspaceId } = caller;
    return withWorkspace(this.dataSource, workspaceId, async (manager) => {
      const segment = await this.find(manager, workspaceId, id);
      if (segment.kind === 'static') return { count: await this.segments.countStaticMembers(manager, workspaceId, segment.id) };
      const { filter, q } = splitSearch(segment.filter!);
      return { count: await countMatching(manager, workspaceId, CONTACT_LIST, filter, q) };
    });
  }

  /** A page of the segment's live contacts, sorted and paged as GET /contacts. */
  async members(caller: CrmCaller, input: InputOf<typeof ListSegmentMembers>): Promise<SegmentMemberPage> {
    assertHolds(caller, 'segments:read');
    const { workspaceId } = caller;
    return withWorkspace(this.dataSource, workspaceId, async (manager) => {
      const segment = await this.find(manager, workspaceId, input.id);
      const paging = { sort: input.sort, limit: input.limit, cursor: input.cursor };
      const where = new SqlConditions();
      let request: ListRequest;
      if (segment.kind === 'static') {
        staticMemberCondition(where, segment.id);
        request = { filter: {}, ...paging };
      } else {
        request = { ...splitSearch(segment.filter!), ...paging };
      }
      const page = await listPage<ContactRow>(this.cursors, manager, workspaceId, CONTACT_LIST, request, CONTACT_COLUMNS, where);
      return { data: page.rows.map(toContactRecord), nextCursor: page.nextCursor };
    });
  }

  /** Contacts named by id must all be live contacts of the workspace (422 naming contactIds otherwise). */
  private async addLiveContacts(manager: EntityManager, workspaceId: string, segmentId: string, contactIds: string[]): Promise<void> {
    const ids = [...new Set(contactIds)];
    const live = await this.segments.liveContactIds(manager, workspaceId, ids.filter(isUuid));
    const unknown = ids.filter((id) => !live.has(id));
    if (unknown.length)
      throw RpcError.validation([{ field: 'contactIds', issue: 'must name live contacts of the workspace', unknownIds: unknown.slice(0, 20) }]);
    await this.segments.addMembers(manager, workspaceId, segmentId, ids);
  }

  private async find(manager: EntityManager, workspaceId: string, id: string, lock = false): Promise<Segment> {
    const segment = isUuid(id) ? await this.segments.find(manager, workspaceId, id, lock) : null;
    if (!segment) throw notFound();
    return segment;
  }

  private async findLive(manager: EntityManager, workspaceId: string, id: string): Promise<Segment> {
    const segment = await this.find(manager, workspaceId, id, true);
    if (segment.deletedAt) throw notFound();
    return segment;
  }

  private async findLiveStatic(manager: EntityManager, workspaceId: string, id: string): Promise<Segment> {
    const segment = await this.findLive(manager, workspaceId, id);
    if (segment.kind !== 'static') throw RpcError.validation([{ field: 'contactIds', issue: 'can be added to or removed from static segments only' }]);
    return segment;
  }
}
