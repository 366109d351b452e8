import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DomainEvents, type EventOf } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import { required, ProjectionHandlers, oneByOne, subscribeProjection } from './projection.js';

const TYPES = ['pipeline.created', 'pipeline.updated', 'pipeline.deleted', 'pipeline.restored'] as const;

/** reporting.pipelines and reporting.stages from crm's pipeline events: names, probabilities and kinds of stages. */
@Injectable()
export class PipelinesProjection implements OnModuleInit {
  constructor(
    private readonly events: DomainEvents,
    private readonly handlers: ProjectionHandlers,
  ) {}

  onModuleInit(): void {
    subscribeProjection(
      this.events,
      this.handlers,
      'pipelines',
      TYPES,
      oneByOne((event, manager) => this.apply(event, manager)),
    );
  }

  private async apply(event: EventOf<(typeof TYPES)[number]>, manager: EntityManager): Promise<void> {
    const workspaceId = required(event.workspaceId, event, 'workspaceId');
    if (event.type === 'pipeline.deleted') {
      await manager.query('UPDATE reporting.pipelines SET deleted_at = $3 WHERE workspace_id = $1 AND id = $2', [
        workspaceId,
        event.aggregateId,
        event.occurredAt,
      ]);
      return;
    }
    const pipeline = required(event.data.pipeline, event, 'pipeline');
    await manager.query(
      `INSERT INTO reporting.pipelines (workspace_id, id, name, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (workspace_id, id) DO UPDATE SET name = EXCLUDED.name, deleted_at = NULL`,
      [workspaceId, pipeline.id, pipeline.name, pipeline.createdAt],
    );
    await manager.query(
      `INSERT INTO reporting.stages (workspace_id, id, pipeline_id, name, probability, position, kind)
       SELECT $1, stage.id, $2, stage.name, stage.probability, stage.position, stage.kind
       FROM jsonb_to_recordset($3::jsonb) AS stage(id uuid, name text, probability integer, position integer, kind text)
       ON CONFLICT (workspace_id, id) DO UPDATE SET pipeline_id = EXCLUDED.pipeline_id, name = EXCLUDED.name, probability = EXCLUDED.probability,
         position = EXCLUDED.position, kind = EXCLUDED.kind, removed_at = NULL`,
      [workspaceId, pipeline.id, JSON.stringify(pipeline.stages)],
    );
    await manager.query(
      `UPDATE reporting.stages SET removed_at = $4
       WHERE workspace_id = $1 AND pipeline_id = $2 AND removed_at IS NULL AND NOT (id = ANY($3::uuid[]))`,
      [workspaceId, pipeline.id, pipeline.stages.map((stage) => stage.id), event.occurredAt],
    );
  }
}
