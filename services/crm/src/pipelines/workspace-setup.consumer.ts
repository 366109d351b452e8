import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DomainEvents, type Emit, type EventOf } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import { PipelinesService } from './pipelines.service.js';

export const WORKSPACE_SETUP_CONSUMER = 'crm-workspace-setup';

/**
 * Gives each workspace its crm settings and the default pipeline when auth reports it created.
 * Starts from the stream's first event, so workspaces created before crm was deployed get theirs too.
 */
@Injectable()
export class WorkspaceSetupConsumer implements OnModuleInit {
  constructor(
    private readonly events: DomainEvents,
    private readonly pipelines: PipelinesService,
  ) {}

  onModuleInit(): void {
    this.events.subscribe('workspace.created', { durableName: WORKSPACE_SETUP_CONSUMER, startFrom: 'all' }, (event, manager, emit) =>
      this.setUp(event, manager, emit),
    );
  }

  private async setUp(event: EventOf<'workspace.created'>, manager: EntityManager, emit: Emit): Promise<void> {
    const workspaceId = event.data.workspaceId;
    await manager.query('INSERT INTO crm.workspace_settings (workspace_id) VALUES ($1) ON CONFLICT (workspace_id) DO NOTHING', [workspaceId]);
    await this.pipelines.createDefault(manager, emit, workspaceId);
  }
}
