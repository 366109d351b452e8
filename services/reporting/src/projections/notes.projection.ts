import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DomainEvents, type EventOf } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import { required, ProjectionHandlers, oneByOne, subscribeProjection } from './projection.js';

const TYPES = ['note.created', 'note.updated', 'note.deleted', 'note.restored'] as const;

/** reporting.notes from crm's note events: who wrote each (note.created's actor), about what, when. */
@Injectable()
export class NotesProjection implements OnModuleInit {
  constructor(
    private readonly events: DomainEvents,
    private readonly handlers: ProjectionHandlers,
  ) {}

  onModuleInit(): void {
    subscribeProjection(
      this.events,
      this.handlers,
      'notes',
      TYPES,
      oneByOne((event, manager) => this.apply(event, manager)),
    );
  }

  private async apply(event: EventOf<(typeof TYPES)[number]>, manager: EntityManager): Promise<void> {
    const workspaceId = required(event.workspaceId, event, 'workspaceId');
    const related = event.data.related;
    switch (event.type) {
      case 'note.created':
        await manager.query(
          `INSERT INTO reporting.notes (workspace_id, id, author_id, related_type, related_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (workspace_id, id) DO NOTHING`,
          [workspaceId, event.data.noteId, event.actorId || null, related?.type ?? null, related?.id ?? null, event.occurredAt],
        );
        return;
      case 'note.updated':
        await manager.query('UPDATE reporting.notes SET related_type = $3, related_id = $4 WHERE workspace_id = $1 AND id = $2', [
          workspaceId,
          event.data.noteId,
          related?.type ?? null,
          related?.id ?? null,
        ]);
        return;
      case 'note.deleted':
        await manager.query('UPDATE reporting.notes SET deleted_at = $3 WHERE workspace_id = $1 AND id = $2', [
          workspaceId,
          event.data.noteId,
          event.occurredAt,
        ]);
        return;
      case 'note.restored':
        await manager.query('UPDATE reporting.notes SET deleted_at = NULL WHERE workspace_id = $1 AND id = $2', [workspaceId, event.data.noteId]);
        return;
    }
  }
}
