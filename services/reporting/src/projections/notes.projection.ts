import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DomainEvents, type EventOf } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import { layersWithoutRepeats, ProjectionHandlers, subscribeProjection, workspaceOf } from './projection.js';

const TYPES = ['note.created', 'note.updated', 'note.deleted', 'note.restored'] as const;
type NoteEvent = EventOf<(typeof TYPES)[number]>;

/** reporting.notes from crm's note events: who wrote each (note.created's actor), about what, when. */
@Injectable()
export class NotesProjection implements OnModuleInit {
  constructor(
    private readonly events: DomainEvents,
    private readonly handlers: ProjectionHandlers,
  ) {}

  onModuleInit(): void {
    subscribeProjection(this.events, this.handlers, 'notes', TYPES, (events, manager) => this.apply(events, manager));
  }

  /** A run of one workspace's note events: a statement per layer in which no note comes up twice. */
  private async apply(events: NoteEvent[], manager: EntityManager): Promise<void> {
    const workspaceId = workspaceOf(events);
    for (const layer of layersWithoutRepeats(events, (event) => [event.data.noteId])) await this.write(manager, workspaceId, layer);
  }

  /**
   * Events of distinct notes in one statement: a created note is inserted (kept if already there),
   * an updated one gets its related record, a deleted or restored one its deleted_at.
   */
  private async write(manager: EntityManager, workspaceId: string, events: NoteEvent[]): Promise<void> {
    const input = events.map((event) => ({
      id: event.data.noteId,
      kind: event.type,
      author_id: event.actorId || null,
      related_type: event.data.related?.type ?? null,
      related_id: event.data.related?.id ?? null,
      at: event.occurredAt,
    }));
    await manager.query(
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset($2::jsonb) AS n(id uuid, kind text, author_id uuid, related_type text, related_id uuid, at timestamptz)
       ), updated AS (
         UPDATE reporting.notes SET related_type = n.related_type, related_id = n.related_id FROM input n
         WHERE n.kind = 'note.updated' AND reporting.notes.workspace_id = $1 AND reporting.notes.id = ANY($3::uuid[]) AND reporting.notes.id = n.id
       ), deleted_or_restored AS (
         UPDATE reporting.notes SET deleted_at = CASE WHEN n.kind = 'note.deleted' THEN n.at END FROM input n
         WHERE n.kind IN ('note.deleted', 'note.restored') AND reporting.notes.workspace_id = $1 AND reporting.notes.id = ANY($3::uuid[])
           AND reporting.notes.id = n.id
       )
       INSERT INTO reporting.notes (workspace_id, id, author_id, related_type, related_id, created_at)
       SELECT $1, n.id, n.author_id, n.related_type, n.related_id, n.at FROM input n WHERE n.kind = 'note.created'
       ON CONFLICT (workspace_id, id) DO NOTHING`,
      [workspaceId, JSON.stringify(input), input.map((note) => note.id)],
    );
  }
}
