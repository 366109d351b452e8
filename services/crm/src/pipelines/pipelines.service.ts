import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RpcError, type ErrorDetail } from '@kinship/messaging';
import { isUuid, newId, violatesUnique, withWorkspace } from '@kinship/persistence';
import type { CrmEvents } from '@kinship/contracts';
import { DomainEvents, type Emit } from '@kinship/platform';
import type { DataSource, EntityManager } from 'typeorm';
import type { InputOf } from '@kinship/contracts';
import type { CreatePipelineBody, ListPipelinesQuery, StageBody, StageKind, UpdatePipeline } from '@kinship/contracts/crm';
import { assertHolds, type CrmCaller } from '../common/crm-caller.js';
import { CursorCodec } from '../common/cursors.js';
import { listPage } from '../common/list-query.js';
import { toListRequest } from '../common/list-request.js';
import { PIPELINE_COLUMNS, PIPELINES_LIST, PipelinesRepository, type NewStage, type PipelineRow, type StageRow } from './pipelines.repository.js';

export interface Stage {
  id: string;
  name: string;
  probability: number;
  position: number;
  kind: StageKind;
}

export interface Pipeline {
  id: string;
  name: string;
  isDefault: boolean;
  stages: Stage[];
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

export const DEFAULT_PIPELINE_NAME = 'Sales pipeline';

/** What every new workspace starts with (API.md "CRM"). */
export const DEFAULT_STAGES: ReadonlyArray<Omit<StageBody, 'id'>> = [
  { name: 'Prospecting', probability: 10, kind: 'open' },
  { name: 'Qualification', probability: 25, kind: 'open' },
  { name: 'Proposal', probability: 50, kind: 'open' },
  { name: 'Negotiation', probability: 75, kind: 'open' },
  { name: 'Won', probability: 100, kind: 'won' },
  { name: 'Lost', probability: 0, kind: 'lost' },
];

export function pipelineNotFound(): RpcError {
  return RpcError.notFound('Pipeline');
}

function toPipeline(row: PipelineRow, stages: StageRow[]): Pipeline {
  return {
    id: row.id,
    name: row.name,
    isDefault: row.isDefault,
    stages: stages.map(({ id, name, probability, position, kind }) => ({ id, name, probability, position, kind })),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: row.deletedAt?.toISOString() ?? null,
  };
}

/**
 * A pipeline's stages must make a usable board: at least one open stage to work deals in, at
 * least one won and one lost stage to close them, and names unique within the pipeline.
 */
/** A pipeline as its events carry it: the whole board, so reporting's copy is an upsert. */
function toPipelineEvent(pipeline: Pipeline): CrmEvents.Pipeline {
  return { id: pipeline.id, name: pipeline.name, stages: pipeline.stages, createdAt: pipeline.createdAt };
}

function assertUsableStages(stages: StageBody[]): void {
  const problems: ErrorDetail[] = [];
  for (const kind of ['open', 'won', 'lost'] as const) {
    if (!stages.some((stage) => stage.kind === kind)) problems.push({ field: 'stages', issue: `must contain at least one ${kind} stage` });
  }
  const seen = new Set<string>();
  stages.forEach((stage, index) => {
    const name = stage.name.trim().toLowerCase();
    if (seen.has(name)) problems.push({ field: `stages.${index}.name`, issue: 'is used by another stage of this pipeline' });
    seen.add(name);
  });
  if (problems.length) throw RpcError.validation(problems);
}

function nameTaken(existingId: string | null): RpcError {
  return RpcError.conflict('A pipeline with this name already exists.', [{ field: 'name', issue: 'is already used', ...(existingId ? { existingId } : {}) }]);
}

/** Pipelines and their ordered stages. Members and viewers read them; managers and above shape them. */
@Injectable()
export class PipelinesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    private readonly pipelines: PipelinesRepository,
    private readonly cursors: CursorCodec,
  ) {}

  async create(caller: CrmCaller, input: CreatePipelineBody): Promise<Pipeline> {
    assertHolds(caller, 'pipelines:write');
    assertUsableStages(input.stages);
    const { workspaceId } = caller;
    return this.events.transaction(workspaceId, async (manager, emit) => {
      const id = newId();
      const name = input.name.trim();
      await this.writeWithName(manager, workspaceId, name, () => this.pipelines.insertPipeline(manager, workspaceId, { id, name, isDefault: false }));
      await this.pipelines.insertStages(
        manager,
        workspaceId,
        id,
        input.stages.map((stage, position) => ({ ...stage, id: newId(), name: stage.name.trim(), position })),
      );
      const pipeline = await this.load(manager, workspaceId, id);
      await emit<CrmEvents.PipelineCreated>({
        type: 'pipeline.created',
        workspaceId,
        actorId: caller.userId,
        aggregateId: id,
        data: { pipeline: toPipelineEvent(pipeline) },
      });
      return pipeline;
    });
  }

  /**
   * Creates the default pipeline of a workspace that has none yet (a redelivered or replayed
   * workspace.created changes nothing; neither does a workspace whose pipelines were set up).
   */
  async createDefault(manager: EntityManager, emit: Emit, workspaceId: string): Promise<void> {
    if (await this.pipelines.hasAny(manager, workspaceId)) return;
    const id = newId();
    await this.pipelines.insertPipeline(manager, workspaceId, { id, name: DEFAULT_PIPELINE_NAME, isDefault: true });
    await this.pipelines.insertStages(
      manager,
      workspaceId,
      id,
      DEFAULT_STAGES.map((stage, position) => ({ ...stage, id: newId(), position })),
    );
    const pipeline = await this.load(manager, workspaceId, id);
    await emit<CrmEvents.PipelineCreated>({
      type: 'pipeline.created',
      workspaceId,
      actorId: null,
      aggregateId: id,
      data: { pipeline: toPipelineEvent(pipeline) },
    });
  }

  async get(caller: CrmCaller, id: string): Promise<Pipeline> {
    assertHolds(caller, 'pipelines:read');
    if (!isUuid(id)) throw pipelineNotFound();
    return withWorkspace(this.dataSource, caller.workspaceId, (manager) => this.load(manager, caller.workspaceId, id));
  }

  async list(caller: CrmCaller, query: ListPipelinesQuery): Promise<{ data: Pipeline[]; nextCursor: string | null }> {
    assertHolds(caller, 'pipelines:read');
    const { workspaceId } = caller;
    return withWorkspace(this.dataSource, workspaceId, async (manager) => {
      const page = await listPage<PipelineRow>(this.cursors, manager, workspaceId, PIPELINES_LIST, toListRequest(query), PIPELINE_COLUMNS);
      const stages = await this.pipelines.stagesOf(
        manager,
        workspaceId,
        page.rows.map((row) => row.id),
      );
      return {
        data: page.rows.map((row) =>
          toPipeline(
            row,
            stages.filter((stage) => stage.pipelineId === row.id),
          ),
        ),
        nextCursor: page.nextCursor,
      };
    });
  }

  /**
   * Renames and reshapes. `stages` is the whole new board: a stage with an id is updated and
   * moved, one without is added, one left out is removed — unless live deals are in it (409
   * naming it: move them first). A stage with live deals keeps its kind, since its deals' closedAt
   * and lostReason follow the kind they entered.
   */
  async update(caller: CrmCaller, input: InputOf<typeof UpdatePipeline>): Promise<Pipeline> {
    assertHolds(caller, 'pipelines:write');
    if (!isUuid(input.id)) throw pipelineNotFound();
    if (input.stages) assertUsableStages(input.stages);
    const { workspaceId } = caller;
    return this.events.transaction(workspaceId, async (manager, emit) => {
      const pipeline = await this.pipelines.find(manager, workspaceId, input.id, { forUpdate: true });
      if (!pipeline || pipeline.deletedAt) throw pipelineNotFound();
      if (input.name !== undefined && input.name.trim() !== pipeline.name) {
        const name = input.name.trim();
        await this.writeWithName(manager, workspaceId, name, () => this.pipelines.rename(manager, workspaceId, pipeline.id, name));
      }
      if (input.stages) await this.reshape(manager, workspaceId, pipeline.id, input.stages);
      await this.pipelines.touch(manager, workspaceId, pipeline.id);
      const updated = await this.load(manager, workspaceId, pipeline.id);
      await emit<CrmEvents.PipelineUpdated>({
        type: 'pipeline.updated',
        workspaceId,
        actorId: caller.userId,
        aggregateId: pipeline.id,
        data: { pipeline: toPipelineEvent(updated) },
      });
      return updated;
    });
  }

  private async reshape(manager: EntityManager, workspaceId: string, pipelineId: string, stages: StageBody[]): Promise<void> {
    const current = new Map((await this.pipelines.stagesOf(manager, workspaceId, [pipelineId])).map((stage) => [stage.id, stage]));
    const dealsPerStage = await this.pipelines.liveDealsPerStage(manager, workspaceId, pipelineId);
    const problems: ErrorDetail[] = [];
    const kept = new Set<string>();
    stages.forEach((stage, index) => {
      if (stage.id === undefined) return;
      const existing = current.get(stage.id);
      if (!existing) problems.push({ field: `stages.${index}.id`, issue: 'is not a stage of this pipeline' });
      else if (kept.has(stage.id)) problems.push({ field: `stages.${index}.id`, issue: 'appears twice' });
      else if (existing.kind !== stage.kind && dealsPerStage.has(stage.id)) {
        throw RpcError.conflict(`The stage "${existing.name}" holds deals; it cannot change from ${existing.kind} to ${stage.kind}.`, [
          { field: `stages.${index}.kind`, issue: 'cannot change while deals are in the stage', stageId: stage.id, deals: dealsPerStage.get(stage.id) },
        ]);
      }
      kept.add(stage.id);
    });
    if (problems.length) throw RpcError.validation(problems);
    const removed = [...current.values()].filter((stage) => !kept.has(stage.id));
    const occupied = removed.find((stage) => dealsPerStage.has(stage.id));
    if (occupied) {
      throw RpcError.conflict(`The stage "${occupied.name}" still holds ${dealsPerStage.get(occupied.id)} deal(s); move them before removing it.`, [
        {
          field: 'stages',
          issue: 'leaves out a stage that holds deals',
          stageId: occupied.id,
          stageName: occupied.name,
          deals: dealsPerStage.get(occupied.id),
        },
      ]);
    }
    if (removed.length)
      await this.pipelines.removeStages(
        manager,
        workspaceId,
        removed.map((stage) => stage.id),
      );
    const added: NewStage[] = [];
    for (const [position, stage] of stages.entries()) {
      const values = { name: stage.name.trim(), probability: stage.probability, kind: stage.kind, position };
      if (stage.id) await this.pipelines.updateStage(manager, workspaceId, { ...values, id: stage.id });
      else added.push({ ...values, id: newId() });
    }
    await this.pipelines.insertStages(manager, workspaceId, pipelineId, added);
  }

  /** Soft delete; refused while live deals are in the pipeline, and for the default pipeline. */
  async delete(caller: CrmCaller, id: string): Promise<void> {
    assertHolds(caller, 'pipelines:write');
    if (!isUuid(id)) throw pipelineNotFound();
    const { workspaceId } = caller;
    await this.events.transaction(workspaceId, async (manager, emit) => {
      const pipeline = await this.pipelines.find(manager, workspaceId, id, { forUpdate: true });
      if (!pipeline || pipeline.deletedAt) throw pipelineNotFound();
      if (pipeline.isDefault)
        throw RpcError.conflict('The default pipeline cannot be deleted; make another pipeline the default first.', [
          { field: 'id', issue: 'is the default pipeline' },
        ]);
      const deals = [...(await this.pipelines.liveDealsPerStage(manager, workspaceId, id)).values()].reduce((sum, count) => sum + count, 0);
      if (deals > 0)
        throw RpcError.conflict(`The pipeline still holds ${deals} deal(s); move or delete them first.`, [{ field: 'id', issue: 'holds deals', deals }]);
      await this.pipelines.setDeleted(manager, workspaceId, id, true);
      await emit<CrmEvents.PipelineDeleted>({ type: 'pipeline.deleted', workspaceId, actorId: caller.userId, aggregateId: id, data: { pipelineId: id } });
    });
  }

  async restore(caller: CrmCaller, id: string): Promise<Pipeline> {
    assertHolds(caller, 'pipelines:write');
    if (!isUuid(id)) throw pipelineNotFound();
    const { workspaceId } = caller;
    return this.events.transaction(workspaceId, async (manager, emit) => {
      const pipeline = await this.pipelines.find(manager, workspaceId, id, { forUpdate: true });
      if (!pipeline) throw pipelineNotFound();
      if (!pipeline.deletedAt) return this.load(manager, workspaceId, id);
      await this.writeWithName(manager, workspaceId, pipeline.name, () => this.pipelines.setDeleted(manager, workspaceId, id, false));
      const restored = await this.load(manager, workspaceId, id);
      await emit<CrmEvents.PipelineRestored>({
        type: 'pipeline.restored',
        workspaceId,
        actorId: caller.userId,
        aggregateId: id,
        data: { pipeline: toPipelineEvent(restored) },
      });
      return restored;
    });
  }

  /** New deals created without a pipeline go to the default one. */
  async makeDefault(caller: CrmCaller, id: string): Promise<Pipeline> {
    assertHolds(caller, 'pipelines:write');
    if (!isUuid(id)) throw pipelineNotFound();
    const { workspaceId } = caller;
    return this.events.transaction(workspaceId, async (manager) => {
      const pipeline = await this.pipelines.find(manager, workspaceId, id, { forUpdate: true });
      if (!pipeline || pipeline.deletedAt) throw pipelineNotFound();
      if (!pipeline.isDefault) await this.pipelines.makeDefault(manager, workspaceId, id);
      return this.load(manager, workspaceId, id);
    });
  }

  private async load(manager: EntityManager, workspaceId: string, id: string): Promise<Pipeline> {
    const pipeline = await this.pipelines.find(manager, workspaceId, id);
    if (!pipeline) throw pipelineNotFound();
    return toPipeline(pipeline, await this.pipelines.stagesOf(manager, workspaceId, [id]));
  }

  /** Runs a write that may take a name a live pipeline holds (pipelines_name_key) and turns the clash into a 409 naming it. */
  private async writeWithName(manager: EntityManager, workspaceId: string, name: string, write: () => Promise<void>): Promise<void> {
    await manager.query('SAVEPOINT pipeline_name');
    try {
      await write();
      await manager.query('RELEASE SAVEPOINT pipeline_name');
    } catch (error) {
      if (!violatesUnique(error, 'pipelines_name_key')) throw error;
      await manager.query('ROLLBACK TO SAVEPOINT pipeline_name');
      throw nameTaken(await this.pipelines.liveHolderOfName(manager, workspaceId, name));
    }
  }
}
