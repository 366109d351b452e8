import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { CrmEvents } from '@kinship/contracts';
import { RpcError } from '@kinship/messaging';
import { isUuid, newId, withWorkspace } from '@kinship/persistence';
import { DomainEvents } from '@kinship/platform';
import type { DataSource } from 'typeorm';
import type { InputOf } from '@kinship/contracts';
import type { CreateNoteBody, ListNotesQuery, UpdateNote } from '@kinship/contracts/crm';
import { assertHolds, assertMayWrite, type CrmCaller } from '../common/crm-caller.js';
import { toListRequest } from '../common/list-request.js';
import { assertMayReadRelated, unreadableObjectIds, withoutRecordsOf } from '../common/object-access.js';
import { SqlConditions } from '../common/list-query.js';
import { assertRelatedExists } from '../common/related-records.js';
import { NotesRepository, type Note } from './notes.repository.js';

export interface NotePage {
  data: Note[];
  nextCursor: string | null;
}

function noteNotFound(): RpcError {
  return RpcError.notFound('Note');
}

/**
 * Notes on a contact, company, deal or custom object record. The author is the caller who wrote
 * it; members edit and delete only their own notes (the matrix's ownRecordsOnly, with the author as
 * owner), managers and up any note. Notes about a record of an object the caller may not read are
 * not theirs to see or write (common/object-access.ts).
 */
@Injectable()
export class NotesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    private readonly notes: NotesRepository,
  ) {}

  async create(caller: CrmCaller, input: CreateNoteBody): Promise<Note> {
    assertHolds(caller, 'notes:write');
    const { workspaceId } = caller;
    const related = { type: input.related.type, id: input.related.id };
    return this.events.transaction(workspaceId, async (manager, emit) => {
      await assertRelatedExists(manager, workspaceId, related);
      await assertMayReadRelated(manager, caller, related);
      const note = await this.notes.insert(manager, workspaceId, newId(), input.body, related, caller.userId);
      await emit<CrmEvents.NoteCreated>({
        type: 'note.created',
        workspaceId,
        actorId: caller.userId,
        aggregateId: note.id,
        data: { noteId: note.id, related },
      });
      return note;
    });
  }

  async get(caller: CrmCaller, id: string): Promise<Note> {
    assertHolds(caller, 'notes:read');
    if (!isUuid(id)) throw noteNotFound();
    return withWorkspace(this.dataSource, caller.workspaceId, async (manager) => {
      const note = await this.notes.find(manager, caller.workspaceId, id);
      if (!note) throw noteNotFound();
      await assertMayReadRelated(manager, caller, note.related);
      return note;
    });
  }

  async list(caller: CrmCaller, input: ListNotesQuery): Promise<NotePage> {
    assertHolds(caller, 'notes:read');
    const page = await withWorkspace(this.dataSource, caller.workspaceId, async (manager) =>
      this.notes.list(manager, caller.workspaceId, toListRequest(input), withoutRecordsOf(await unreadableObjectIds(manager, caller), new SqlConditions())),
    );
    return { data: page.rows, nextCursor: page.nextCursor };
  }

  async update(caller: CrmCaller, input: InputOf<typeof UpdateNote>): Promise<Note> {
    if (!isUuid(input.id)) throw noteNotFound();
    const { workspaceId } = caller;
    return this.events.transaction(workspaceId, async (manager, emit) => {
      const before = await this.notes.find(manager, workspaceId, input.id, true);
      if (!before || before.deletedAt) throw noteNotFound();
      assertMayWrite(caller, 'notes:write', before.authorId);
      await assertMayReadRelated(manager, caller, before.related);
      const body = input.body ?? before.body;
      const related = input.related ? { type: input.related.type, id: input.related.id } : before.related;
      const changedFields = [
        ...(body !== before.body ? ['body'] : []),
        ...(related.type !== before.related.type || related.id !== before.related.id ? ['related'] : []),
      ];
      if (changedFields.length === 0) return before;
      if (changedFields.includes('related')) {
        await assertRelatedExists(manager, workspaceId, related);
        await assertMayReadRelated(manager, caller, related);
      }
      const note = await this.notes.update(manager, workspaceId, input.id, body, related);
      await emit<CrmEvents.NoteUpdated>({
        type: 'note.updated',
        workspaceId,
        actorId: caller.userId,
        aggregateId: note.id,
        data: { noteId: note.id, related, changedFields },
      });
      return note;
    });
  }

  async delete(caller: CrmCaller, id: string): Promise<void> {
    if (!isUuid(id)) throw noteNotFound();
    const { workspaceId } = caller;
    await this.events.transaction(workspaceId, async (manager, emit) => {
      const note = await this.notes.find(manager, workspaceId, id, true);
      if (!note || note.deletedAt) throw noteNotFound();
      assertMayWrite(caller, 'notes:write', note.authorId);
      await assertMayReadRelated(manager, caller, note.related);
      await this.notes.setDeleted(manager, workspaceId, id, true);
      await emit<CrmEvents.NoteDeleted>({
        type: 'note.deleted',
        workspaceId,
        actorId: caller.userId,
        aggregateId: id,
        data: { noteId: id, related: note.related },
      });
    });
  }

  /** Restoring a live note returns it unchanged. */
  async restore(caller: CrmCaller, id: string): Promise<Note> {
    if (!isUuid(id)) throw noteNotFound();
    const { workspaceId } = caller;
    return this.events.transaction(workspaceId, async (manager, emit) => {
      const note = await this.notes.find(manager, workspaceId, id, true);
      if (!note) throw noteNotFound();
      assertMayWrite(caller, 'notes:write', note.authorId);
      await assertMayReadRelated(manager, caller, note.related);
      if (!note.deletedAt) return note;
      const restored = await this.notes.setDeleted(manager, workspaceId, id, false);
      await emit<CrmEvents.NoteRestored>({
        type: 'note.restored',
        workspaceId,
        actorId: caller.userId,
        aggregateId: id,
        data: { noteId: id, related: note.related },
      });
      return restored;
    });
  }
}
