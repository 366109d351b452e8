import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { CrmEvents, InputOf } from '@kinship/contracts';
import { RpcError } from '@kinship/messaging';
import { isUuid, newId, withWorkspace } from '@kinship/persistence';
import { DomainEvents, type Emit } from '@kinship/platform';
import type { DataSource, EntityManager } from 'typeorm';
import type { CreateDealBody, ListDealsQuery, MoveDeal, UpdateDeal } from '@kinship/contracts/crm';
import { assertHolds, assertMayWrite, type CrmCaller } from '../common/crm-caller.js';
import { CursorCodec } from '../common/cursors.js';
import { listPage, SqlConditions } from '../common/list-query.js';
import { toListRequest } from '../common/list-request.js';
import { WorkspaceUsers } from '../common/workspace-users.js';
import { CustomFieldValidator } from '../custom-fields/custom-field-values.js';
import { PipelinesRepository, type StageRow } from '../pipelines/pipelines.repository.js';
import { DEAL_COLUMNS, DEAL_POSITION_GAP, DEALS_LIST, DealsRepository, type DealRow, type DealValues } from './deals.repository.js';

/** A deal on the wire (API.md "CRM"); `status` is the kind of its stage. */
export interface Deal {
  id: string;
  name: string;
  amount: number;
  currency: string;
  pipelineId: string;
  stageId: string;
  status: 'open' | 'won' | 'lost';
  companyId: string | null;
  contactIds: string[];
  ownerId: string | null;
  expectedCloseDate: string | null;
  description: string | null;
  lostReason: string | null;
  closedAt: string | null;
  customFields: Record<string, string | number | boolean>;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

export interface StageChange {
  id: string;
  fromStageId: string | null;
  toStageId: string;
  lostReason: string | null;
  changedBy: string | null;
  changedAt: string;
}

export function dealNotFound(): RpcError {
  return RpcError.notFound('Deal');
}

export function toDeal(row: DealRow): Deal {
  return {
    id: row.id,
    name: row.name,
    amount: Number(row.amount),
    currency: row.currency,
    pipelineId: row.pipelineId,
    stageId: row.stageId,
    status: row.status,
    companyId: row.companyId,
    contactIds: row.contactIds,
    ownerId: row.ownerId,
    expectedCloseDate: row.expectedCloseDate,
    description: row.description,
    lostReason: row.lostReason,
    closedAt: row.closedAt?.toISOString() ?? null,
    customFields: row.customFields,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: row.deletedAt?.toISOString() ?? null,
  };
}

/** The Deal of crm events (proto kinship.crm.v1.Deal). */
export function toDealEvent(row: DealRow): CrmEvents.Deal {
  return {
    id: row.id,
    name: row.name,
    amount: Number(row.amount),
    currency: row.currency,
    pipelineId: row.pipelineId,
    stageId: row.stageId,
    companyId: row.companyId,
    contactIds: row.contactIds,
    ownerId: row.ownerId,
    expectedCloseDate: row.expectedCloseDate,
    closedAt: row.closedAt?.toISOString() ?? null,
    lostReason: row.lostReason,
    createdAt: row.createdAt.toISOString(),
    customFields: row.customFields,
  };
}

function invalid(field: string, issue: string): RpcError {
  return RpcError.validation([{ field, issue }]);
}

/** closedAt and lostReason as a deal entering `stage` has them. */
function outcomeFields(stage: StageRow, lostReason: string | null | undefined, field = 'lostReason'): Pick<DealValues, 'closedAt' | 'lostReason'> {
  if (stage.kind === 'lost') {
    if (!lostReason) throw invalid(field, 'is required to move a deal into a lost stage');
    return { closedAt: new Date(), lostReason };
  }
  if (lostReason) throw invalid(field, 'is only for a deal in a lost stage');
  return { closedAt: stage.kind === 'won' ? new Date() : null, lostReason: null };
}

const COMPARED_FIELDS = ['name', 'amount', 'currency', 'companyId', 'ownerId', 'expectedCloseDate', 'description', 'lostReason'] as const;

/**
 * Deals: create, read, update, move between stages, soft delete, restore. A member writes and
 * moves only the deals they own. Every change emits its event in the transaction of the change.
 */
@Injectable()
export class DealsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    private readonly deals: DealsRepository,
    private readonly pipelines: PipelinesRepository,
    private readonly customFields: CustomFieldValidator,
    private readonly cursors: CursorCodec,
    private readonly users: WorkspaceUsers,
  ) {}

  async create(caller: CrmCaller, input: CreateDealBody): Promise<Deal> {
    await this.users.assertActive(caller, 'ownerId', input.ownerId);
    return this.events.transaction(caller.workspaceId, async (manager, emit) => toDeal(await this.createInTransaction(manager, emit, caller, input)));
  }

  /**
   * Creates a deal inside the caller's transaction and emits deal.created (and deal.won or
   * deal.lost when it starts in a closing stage): lead conversion and imports build on it.
   */
  async createInTransaction(manager: EntityManager, emit: Emit, caller: CrmCaller, input: CreateDealBody): Promise<DealRow> {
    const { workspaceId } = caller;
    const ownerId = input.ownerId === undefined ? caller.userId : input.ownerId;
    assertMayWrite(caller, 'deals:write', ownerId);
    const pipelineId = await this.resolvePipeline(manager, workspaceId, input.pipelineId);
    const stages = await this.pipelines.stagesOf(manager, workspaceId, [pipelineId]);
    const stage = input.stageId ? stages.find((candidate) => candidate.id === input.stageId) : stages.find((candidate) => candidate.kind === 'open');
    if (!stage) throw invalid('stageId', input.stageId ? 'is not a stage of the pipeline' : 'the pipeline has no open stage');
    const contactIds = [...new Set(input.contactIds ?? [])];
    await this.assertRelatedRecords(manager, workspaceId, input.companyId ?? null, contactIds);
    const values: DealValues = {
      name: input.name.trim(),
      amount: input.amount,
      currency: input.currency,
      pipelineId,
      stageId: stage.id,
      companyId: input.companyId ?? null,
      ownerId,
      expectedCloseDate: input.expectedCloseDate ?? null,
      description: input.description ?? null,
      ...outcomeFields(stage, input.lostReason),
      customFields: await this.customFields.apply(manager, workspaceId, 'deal', {}, input.customFields ?? {}),
    };
    const id = newId();
    await this.deals.insert(manager, workspaceId, id, caller.userId, values);
    await this.deals.replaceContacts(manager, workspaceId, id, contactIds);
    await this.deals.insertStageChange(manager, workspaceId, {
      id: newId(),
      dealId: id,
      fromStageId: null,
      toStageId: stage.id,
      lostReason: values.lostReason,
      changedBy: caller.userId,
    });
    const row = (await this.deals.find(manager, workspaceId, id))!;
    const deal = toDealEvent(row);
    await emit<CrmEvents.DealCreated>({ type: 'deal.created', workspaceId, actorId: caller.userId, aggregateId: id, data: { deal } });
    await this.emitOutcome(emit, caller, row);
    return row;
  }

  async get(caller: CrmCaller, id: string): Promise<Deal> {
    assertHolds(caller, 'deals:read');
    if (!isUuid(id)) throw dealNotFound();
    const row = await withWorkspace(this.dataSource, caller.workspaceId, (manager) => this.deals.find(manager, caller.workspaceId, id));
    if (!row) throw dealNotFound();
    return toDeal(row);
  }

  async list(caller: CrmCaller, query: ListDealsQuery): Promise<{ data: Deal[]; nextCursor: string | null }> {
    assertHolds(caller, 'deals:read');
    const { workspaceId } = caller;
    const { contactId, ...rest } = toListRequest(query).filter;
    const request = { ...toListRequest(query), filter: rest };
    const where = new SqlConditions();
    if (typeof contactId === 'string') {
      where.add(
        `EXISTS (SELECT 1 FROM crm.deal_contacts dc WHERE dc.workspace_id = r.workspace_id AND dc.deal_id = r.id AND dc.contact_id = ${where.param(contactId)}::uuid)`,
      );
    }
    const page = await withWorkspace(this.dataSource, workspaceId, (manager) =>
      listPage<DealRow>(this.cursors, manager, workspaceId, DEALS_LIST, request, DEAL_COLUMNS, where),
    );
    return { data: page.rows.map(toDeal), nextCursor: page.nextCursor };
  }

  /** Any field but the stage: absent unchanged, null cleared. */
  async update(caller: CrmCaller, input: InputOf<typeof UpdateDeal>): Promise<Deal> {
    if (!isUuid(input.id)) throw dealNotFound();
    await this.users.assertActive(caller, 'ownerId', input.ownerId);
    return this.events.transaction(caller.workspaceId, (manager, emit) => this.updateInTransaction(manager, emit, caller, input));
  }

  /** update() inside the caller's transaction (a bulk change's), for a checked id and owner. */
  async updateInTransaction(manager: EntityManager, emit: Emit, caller: CrmCaller, input: InputOf<typeof UpdateDeal>): Promise<Deal> {
    const { workspaceId } = caller;
    const current = await this.liveForWrite(manager, caller, input.id);
    if (input.ownerId !== undefined && input.ownerId !== current.ownerId) assertMayWrite(caller, 'deals:write', input.ownerId);
    if (input.lostReason !== undefined && current.status !== 'lost') throw invalid('lostReason', 'is only for a deal in a lost stage');
    const contactIds = input.contactIds ? [...new Set(input.contactIds)].sort() : current.contactIds;
    await this.assertRelatedRecords(
      manager,
      workspaceId,
      input.companyId !== undefined && input.companyId !== current.companyId ? input.companyId : null,
      contactIds.filter((contactId) => !current.contactIds.includes(contactId)),
    );
    const values: DealValues = {
      name: input.name?.trim() ?? current.name,
      amount: input.amount ?? Number(current.amount),
      currency: input.currency ?? current.currency,
      pipelineId: current.pipelineId,
      stageId: current.stageId,
      companyId: input.companyId === undefined ? current.companyId : input.companyId,
      ownerId: input.ownerId === undefined ? current.ownerId : input.ownerId,
      expectedCloseDate: input.expectedCloseDate === undefined ? current.expectedCloseDate : input.expectedCloseDate,
      description: input.description === undefined ? current.description : input.description,
      lostReason: input.lostReason ?? current.lostReason,
      closedAt: current.closedAt,
      customFields: input.customFields
        ? await this.customFields.apply(manager, workspaceId, 'deal', current.customFields, input.customFields)
        : current.customFields,
    };
    const before: Record<string, unknown> = { ...current, amount: Number(current.amount) };
    const changedFields: string[] = COMPARED_FIELDS.filter((field) => values[field] !== before[field]);
    if (contactIds.join() !== current.contactIds.join()) changedFields.push('contactIds');
    if (JSON.stringify(values.customFields) !== JSON.stringify(current.customFields)) changedFields.push('customFields');
    if (changedFields.length === 0) return toDeal(current);
    await this.deals.update(manager, workspaceId, current.id, values);
    if (changedFields.includes('contactIds')) await this.deals.replaceContacts(manager, workspaceId, current.id, contactIds);
    const row = (await this.deals.find(manager, workspaceId, current.id))!;
    await emit<CrmEvents.DealUpdated>({
      type: 'deal.updated',
      workspaceId,
      actorId: caller.userId,
      aggregateId: row.id,
      data: { deal: toDealEvent(row), changedFields },
    });
    return toDeal(row);
  }

  /**
   * POST /deals/:id/stage. Won and lost set closedAt (lost needs a reason); back to an open
   * stage clears both. Every move is kept in crm.deal_stage_changes and emits deal.stage_changed,
   * followed by deal.won or deal.lost. The deal goes next to beforeDealId or afterDealId, else
   * first in the stage it enters. Moving to the stage the deal is in changes at most its place there
   * (no history, no event: the board's order is not the deal's state).
   */
  async move(caller: CrmCaller, input: InputOf<typeof MoveDeal>): Promise<Deal> {
    if (!isUuid(input.id)) throw dealNotFound();
    if (input.beforeDealId && input.afterDealId) throw invalid('afterDealId', 'is not to be given with beforeDealId');
    const place = input.beforeDealId
      ? { field: 'beforeDealId', dealId: input.beforeDealId, above: true }
      : input.afterDealId
        ? { field: 'afterDealId', dealId: input.afterDealId, above: false }
        : null;
    if (place?.dealId === input.id) throw invalid(place.field, 'is the deal being moved');
    const { workspaceId } = caller;
    assertHolds(caller, 'deals:write');
    return this.events.transaction(workspaceId, async (manager, emit) => {
      await this.deals.lockBoard(manager, workspaceId);
      const current = await this.liveForWrite(manager, caller, input.id);
      const pipelineId = input.pipelineId ?? current.pipelineId;
      if (input.pipelineId && input.pipelineId !== current.pipelineId) {
        const pipeline = await this.pipelines.find(manager, workspaceId, input.pipelineId);
        if (!pipeline || pipeline.deletedAt) throw invalid('pipelineId', 'is not a pipeline of this workspace');
      }
      const stage = await this.pipelines.findStage(manager, workspaceId, input.stageId);
      if (!stage || stage.pipelineId !== pipelineId || stage.pipelineDeleted) throw invalid('stageId', 'is not a stage of the deal’s pipeline');
      const neighbour = place && (await this.deals.find(manager, workspaceId, place.dealId));
      if (place && (!neighbour || neighbour.deletedAt || neighbour.stageId !== stage.id)) throw invalid(place.field, 'is not a deal of the stage');
      if (stage.id === current.stageId) {
        if (place) await this.placeNextTo(manager, workspaceId, current.id, stage.id, place);
        return toDeal(current);
      }
      const values: DealValues = { ...current, amount: Number(current.amount), pipelineId, stageId: stage.id, ...outcomeFields(stage, input.lostReason) };
      await this.deals.update(manager, workspaceId, current.id, values, true);
      if (place) await this.placeNextTo(manager, workspaceId, current.id, stage.id, place);
      else await this.deals.moveFirst(manager, workspaceId, current.id);
      await this.deals.insertStageChange(manager, workspaceId, {
        id: newId(),
        dealId: current.id,
        fromStageId: current.stageId,
        toStageId: stage.id,
        lostReason: values.lostReason,
        changedBy: caller.userId,
      });
      const row = (await this.deals.find(manager, workspaceId, current.id))!;
      await emit<CrmEvents.DealStageChanged>({
        type: 'deal.stage_changed',
        workspaceId,
        actorId: caller.userId,
        aggregateId: row.id,
        data: { deal: toDealEvent(row), fromStageId: current.stageId },
      });
      await this.emitOutcome(emit, caller, row);
      return toDeal(row);
    });
  }

  async delete(caller: CrmCaller, id: string): Promise<void> {
    if (!isUuid(id)) throw dealNotFound();
    const { workspaceId } = caller;
    await this.events.transaction(workspaceId, (manager, emit) => this.deleteInTransaction(manager, emit, caller, id));
  }

  /** delete() inside the caller's transaction (a bulk change's), for a checked id. */
  async deleteInTransaction(manager: EntityManager, emit: Emit, caller: CrmCaller, id: string): Promise<void> {
    const { workspaceId } = caller;
    const current = await this.liveForWrite(manager, caller, id);
    await this.deals.setDeleted(manager, workspaceId, id, true);
    await emit<CrmEvents.DealDeleted>({ type: 'deal.deleted', workspaceId, actorId: caller.userId, aggregateId: id, data: { dealId: current.id } });
  }

  /** Brings a deleted deal back where it was; a live deal is returned unchanged. */
  async restore(caller: CrmCaller, id: string): Promise<Deal> {
    if (!isUuid(id)) throw dealNotFound();
    const { workspaceId } = caller;
    return this.events.transaction(workspaceId, async (manager, emit) => {
      const current = await this.deals.find(manager, workspaceId, id, { forUpdate: true });
      if (!current) throw dealNotFound();
      assertMayWrite(caller, 'deals:write', current.ownerId);
      if (!current.deletedAt) return toDeal(current);
      const stage = await this.pipelines.findStage(manager, workspaceId, current.stageId);
      if (!stage || stage.pipelineDeleted) {
        throw RpcError.conflict('The deal’s stage or pipeline has been removed since the deal was deleted; restore the pipeline first.', [
          { field: 'stageId', issue: 'no longer exists', stageId: current.stageId },
        ]);
      }
      await this.deals.setDeleted(manager, workspaceId, id, false);
      const row = (await this.deals.find(manager, workspaceId, id))!;
      await emit<CrmEvents.DealRestored>({ type: 'deal.restored', workspaceId, actorId: caller.userId, aggregateId: id, data: { deal: toDealEvent(row) } });
      return toDeal(row);
    });
  }

  /** The deal's stage moves, newest first (its first entry is the stage it was created in). */
  async stageChanges(caller: CrmCaller, id: string): Promise<{ data: StageChange[] }> {
    assertHolds(caller, 'deals:read');
    if (!isUuid(id)) throw dealNotFound();
    const { workspaceId } = caller;
    return withWorkspace(this.dataSource, workspaceId, async (manager) => {
      if (!(await this.deals.find(manager, workspaceId, id))) throw dealNotFound();
      const rows = await this.deals.stageChanges(manager, workspaceId, id);
      return { data: rows.map((row) => ({ ...row, changedAt: row.changedAt.toISOString() })) };
    });
  }

  /** Puts the deal just above or below a deal of its stage (DEAL_POSITION_GAP), numbering the stage again when they have no place between them. */
  private async placeNextTo(
    manager: EntityManager,
    workspaceId: string,
    dealId: string,
    stageId: string,
    place: { dealId: string; above: boolean },
  ): Promise<void> {
    const between = async (): Promise<bigint | null> => {
      const at = (await this.deals.position(manager, workspaceId, place.dealId))!;
      const next = await this.deals.neighbourPosition(manager, workspaceId, stageId, { position: at, id: place.dealId }, place.above, dealId);
      if (next === null) return place.above ? at - DEAL_POSITION_GAP : at + DEAL_POSITION_GAP;
      const [low, high] = place.above ? [next, at] : [at, next];
      return high - low >= 2n ? low + (high - low) / 2n : null;
    };
    let position = await between();
    if (position === null) {
      await this.deals.renumberStage(manager, workspaceId, stageId);
      position = (await between())!;
    }
    await this.deals.setPosition(manager, workspaceId, dealId, position);
  }

  private async liveForWrite(manager: EntityManager, caller: CrmCaller, id: string): Promise<DealRow> {
    assertHolds(caller, 'deals:write');
    const current = await this.deals.find(manager, caller.workspaceId, id, { forUpdate: true });
    if (!current || current.deletedAt) throw dealNotFound();
    assertMayWrite(caller, 'deals:write', current.ownerId);
    return current;
  }

  private async resolvePipeline(manager: EntityManager, workspaceId: string, pipelineId: string | undefined): Promise<string> {
    if (pipelineId) {
      const pipeline = await this.pipelines.find(manager, workspaceId, pipelineId);
      if (!pipeline || pipeline.deletedAt) throw invalid('pipelineId', 'is not a pipeline of this workspace');
      return pipeline.id;
    }
    const pipeline = await this.pipelines.findDefault(manager, workspaceId);
    if (!pipeline) throw invalid('pipelineId', 'is required: the workspace has no default pipeline');
    return pipeline.id;
  }

  private async assertRelatedRecords(manager: EntityManager, workspaceId: string, companyId: string | null, contactIds: string[]): Promise<void> {
    if (companyId && (await this.deals.missingCompanies(manager, workspaceId, [companyId])).length)
      throw invalid('companyId', 'is not a company of this workspace');
    const missing = await this.deals.missingContacts(manager, workspaceId, contactIds);
    if (missing.length) throw RpcError.validation([{ field: 'contactIds', issue: 'are not all contacts of this workspace', missingIds: missing }]);
  }

  private async emitOutcome(emit: Emit, caller: CrmCaller, row: DealRow): Promise<void> {
    const base = { workspaceId: caller.workspaceId, actorId: caller.userId, aggregateId: row.id, data: { deal: toDealEvent(row) } };
    if (row.status === 'won') await emit<CrmEvents.DealWon>({ type: 'deal.won', ...base });
    if (row.status === 'lost') await emit<CrmEvents.DealLost>({ type: 'deal.lost', ...base });
  }
}
