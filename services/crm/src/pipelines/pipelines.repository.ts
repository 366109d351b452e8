import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ListDefinition } from '../common/list-query.js';
import type { StageKind } from '@kinship/contracts/crm';

export interface StageRow {
  id: string;
  pipelineId: string;
  name: string;
  probability: number;
  position: number;
  kind: StageKind;
}

export interface PipelineRow {
  id: string;
  name: string;
  isDefault: boolean;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

export interface NewStage {
  id: string;
  name: string;
  probability: number;
  position: number;
  kind: StageKind;
}

export const PIPELINE_COLUMNS = `r.id, r.name, r.is_default AS "isDefault", r.created_at AS "createdAt", r.updated_at AS "updatedAt", r.deleted_at AS "deletedAt"`;
const STAGE_COLUMNS = `id, pipeline_id AS "pipelineId", name, probability, position, kind`;

export const PIPELINES_LIST: ListDefinition = {
  table: 'crm.pipelines',
  fields: {
    name: { sql: 'r.name', kind: 'text', sortable: true },
    isDefault: { sql: 'r.is_default', kind: 'boolean' },
    createdAt: { sql: 'r.created_at', kind: 'timestamp', sortable: true },
  },
  defaultSort: 'createdAt',
};

/** crm.pipelines and crm.pipeline_stages; a removed stage is soft-deleted so history and deleted deals keep pointing at it. */
@Injectable()
export class PipelinesRepository {
  async insertPipeline(manager: EntityManager, workspaceId: string, pipeline: { id: string; name: string; isDefault: boolean }): Promise<void> {
    await manager.query(`INSERT INTO crm.pipelines (id, workspace_id, name, is_default) VALUES ($1, $2, $3, $4)`, [
      pipeline.id,
      workspaceId,
      pipeline.name,
      pipeline.isDefault,
    ]);
  }

  async insertStages(manager: EntityManager, workspaceId: string, pipelineId: string, stages: NewStage[]): Promise<void> {
    for (const stage of stages) {
      await manager.query(
        `INSERT INTO crm.pipeline_stages (id, workspace_id, pipeline_id, name, probability, position, kind) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [stage.id, workspaceId, pipelineId, stage.name, stage.probability, stage.position, stage.kind],
      );
    }
  }

  async updateStage(manager: EntityManager, workspaceId: string, stage: NewStage): Promise<void> {
    await manager.query(`UPDATE crm.pipeline_stages SET name = $3, probability = $4, position = $5, kind = $6 WHERE workspace_id = $1 AND id = $2`, [
      workspaceId,
      stage.id,
      stage.name,
      stage.probability,
      stage.position,
      stage.kind,
    ]);
  }

  async removeStages(manager: EntityManager, workspaceId: string, stageIds: string[]): Promise<void> {
    await manager.query(`UPDATE crm.pipeline_stages SET deleted_at = now() WHERE workspace_id = $1 AND id = ANY($2::uuid[])`, [workspaceId, stageIds]);
  }

  async find(manager: EntityManager, workspaceId: string, id: string, options: { forUpdate?: boolean } = {}): Promise<PipelineRow | null> {
    const rows: PipelineRow[] = await manager.query(
      `SELECT ${PIPELINE_COLUMNS} FROM crm.pipelines r WHERE r.workspace_id = $1 AND r.id = $2${options.forUpdate ? ' FOR UPDATE' : ''}`,
      [workspaceId, id],
    );
    return rows[0] ?? null;
  }

  async findDefault(manager: EntityManager, workspaceId: string): Promise<PipelineRow | null> {
    const rows: PipelineRow[] = await manager.query(
      `SELECT ${PIPELINE_COLUMNS} FROM crm.pipelines r WHERE r.workspace_id = $1 AND r.is_default AND r.deleted_at IS NULL`,
      [workspaceId],
    );
    return rows[0] ?? null;
  }

  async hasAny(manager: EntityManager, workspaceId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(`SELECT 1 FROM crm.pipelines WHERE workspace_id = $1 LIMIT 1`, [workspaceId]);
    return rows.length > 0;
  }

  /** The live stages of pipelines, in board order. */
  async stagesOf(manager: EntityManager, workspaceId: string, pipelineIds: string[]): Promise<StageRow[]> {
    return manager.query(
      `SELECT ${STAGE_COLUMNS} FROM crm.pipeline_stages
       WHERE workspace_id = $1 AND pipeline_id = ANY($2::uuid[]) AND deleted_at IS NULL ORDER BY position, id`,
      [workspaceId, pipelineIds],
    );
  }

  /** A live stage with its pipeline's liveness, or null. */
  async findStage(manager: EntityManager, workspaceId: string, stageId: string): Promise<(StageRow & { pipelineDeleted: boolean }) | null> {
    const rows: Array<StageRow & { pipelineDeleted: boolean }> = await manager.query(
      `SELECT s.id, s.pipeline_id AS "pipelineId", s.name, s.probability, s.position, s.kind, p.deleted_at IS NOT NULL AS "pipelineDeleted"
       FROM crm.pipeline_stages s JOIN crm.pipelines p ON p.workspace_id = s.workspace_id AND p.id = s.pipeline_id
       WHERE s.workspace_id = $1 AND s.id = $2 AND s.deleted_at IS NULL`,
      [workspaceId, stageId],
    );
    return rows[0] ?? null;
  }

  async rename(manager: EntityManager, workspaceId: string, id: string, name: string): Promise<void> {
    await manager.query(`UPDATE crm.pipelines SET name = $3 WHERE workspace_id = $1 AND id = $2`, [workspaceId, id, name]);
  }

  async touch(manager: EntityManager, workspaceId: string, id: string): Promise<void> {
    await manager.query(`UPDATE crm.pipelines SET updated_at = now() WHERE workspace_id = $1 AND id = $2`, [workspaceId, id]);
  }

  async setDeleted(manager: EntityManager, workspaceId: string, id: string, deleted: boolean): Promise<void> {
    await manager.query(`UPDATE crm.pipelines SET deleted_at = ${deleted ? 'now()' : 'NULL'}, updated_at = now() WHERE workspace_id = $1 AND id = $2`, [
      workspaceId,
      id,
    ]);
  }

  async makeDefault(manager: EntityManager, workspaceId: string, id: string): Promise<void> {
    await manager.query(`UPDATE crm.pipelines SET is_default = false, updated_at = now() WHERE workspace_id = $1 AND is_default AND id <> $2`, [
      workspaceId,
      id,
    ]);
    await manager.query(`UPDATE crm.pipelines SET is_default = true, updated_at = now() WHERE workspace_id = $1 AND id = $2`, [workspaceId, id]);
  }

  /** Live deals per stage of a pipeline (stages without deals left out). */
  async liveDealsPerStage(manager: EntityManager, workspaceId: string, pipelineId: string): Promise<Map<string, number>> {
    const rows: Array<{ stageId: string; count: string }> = await manager.query(
      `SELECT stage_id AS "stageId", count(*) AS count FROM crm.deals WHERE workspace_id = $1 AND pipeline_id = $2 AND deleted_at IS NULL GROUP BY stage_id`,
      [workspaceId, pipelineId],
    );
    return new Map(rows.map((row) => [row.stageId, Number(row.count)]));
  }

  async liveHolderOfName(manager: EntityManager, workspaceId: string, name: string): Promise<string | null> {
    const rows: Array<{ id: string }> = await manager.query(
      `SELECT id FROM crm.pipelines WHERE workspace_id = $1 AND lower(name) = lower($2) AND deleted_at IS NULL`,
      [workspaceId, name],
    );
    return rows[0]?.id ?? null;
  }
}
