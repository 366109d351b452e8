import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ListDefinition } from '../common/list-query.js';
import type { StageKind } from '@kinship/contracts/crm';

export interface DealRow {
  id: string;
  name: string;
  /** bigint, as text from the driver. */
  amount: string;
  currency: string;
  pipelineId: string;
  stageId: string;
  status: StageKind;
  companyId: string | null;
  contactIds: string[];
  ownerId: string | null;
  expectedCloseDate: string | null;
  description: string | null;
  lostReason: string | null;
  closedAt: Date | null;
  customFields: Record<string, string | number | boolean>;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

export interface DealValues {
  name: string;
  amount: number;
  currency: string;
  pipelineId: string;
  stageId: string;
  companyId: string | null;
  ownerId: string | null;
  expectedCloseDate: string | null;
  description: string | null;
  lostReason: string | null;
  closedAt: Date | null;
  customFields: Record<string, string | number | boolean>;
}

export interface StageChangeRow {
  id: string;
  fromStageId: string | null;
  toStageId: string;
  lostReason: string | null;
  changedBy: string | null;
  changedAt: Date;
}

/**
 * A deal's place in its stage is a bigint, smaller first (crm.deals.board_position). Places are
 * numbered 2^20 apart, so a deal dropped between two neighbours takes the middle of their places:
 * twenty drops at the same spot before two neighbours have no number left between them, and only
 * then is the stage numbered again, 2^20 apart from its first place (renumberStage). A deal that
 * enters a stage without a place goes first, a gap above the stage's first deal. Positions of
 * different stages are never compared; ties (two deals created at once) are ordered by id.
 */
export const DEAL_POSITION_GAP = 1n << 20n;

/** The status of a deal is the kind of its stage. */
export const STATUS_SQL = `(SELECT s.kind FROM crm.pipeline_stages s WHERE s.workspace_id = r.workspace_id AND s.id = r.stage_id)`;

/** A place above every live deal of the stage but deal `id`'s own, as SQL over the three given expressions. */
const FIRST_PLACE_SQL = (workspaceId: string, stageId: string, id: string) =>
  `(SELECT coalesce(min(f.board_position), 0) - ${DEAL_POSITION_GAP} FROM crm.deals f
     WHERE f.workspace_id = ${workspaceId} AND f.stage_id = ${stageId} AND f.deleted_at IS NULL AND f.id <> ${id})`;

export const DEAL_COLUMNS = `r.id, r.name, r.amount, r.currency, r.pipeline_id AS "pipelineId", r.stage_id AS "stageId", ${STATUS_SQL} AS status,
  r.company_id AS "companyId",
  ARRAY(SELECT dc.contact_id FROM crm.deal_contacts dc WHERE dc.workspace_id = r.workspace_id AND dc.deal_id = r.id ORDER BY dc.contact_id) AS "contactIds",
  r.owner_id AS "ownerId", to_char(r.expected_close_date, 'YYYY-MM-DD') AS "expectedCloseDate", r.description, r.lost_reason AS "lostReason",
  r.closed_at AS "closedAt", r.custom_fields AS "customFields", r.created_at AS "createdAt", r.updated_at AS "updatedAt", r.deleted_at AS "deletedAt"`;

/**
 * Filters and sorts of GET /deals. `contactId` is not a column: the service adds it as an EXISTS
 * over crm.deal_contacts. A sortable field never is null (an unknown close date sorts last).
 */
export const DEALS_LIST: ListDefinition = {
  table: 'crm.deals',
  fields: {
    id: { sql: 'r.id', kind: 'uuid' },
    name: { sql: 'lower(r.name)', kind: 'text', sortable: true },
    amount: { sql: 'r.amount', kind: 'integer', sortable: true },
    pipelineId: { sql: 'r.pipeline_id', kind: 'uuid' },
    stageId: { sql: 'r.stage_id', kind: 'uuid' },
    ownerId: { sql: 'r.owner_id', kind: 'uuid' },
    companyId: { sql: 'r.company_id', kind: 'uuid' },
    status: { sql: STATUS_SQL, kind: 'enum' },
    expectedCloseDate: { sql: `coalesce(r.expected_close_date, 'infinity'::date)`, kind: 'date', sortable: true },
    createdAt: { sql: 'r.created_at', kind: 'timestamp', sortable: true },
    updatedAt: { sql: 'r.updated_at', kind: 'timestamp', sortable: true },
    position: { sql: 'r.board_position', kind: 'integer', sortable: true },
  },
  defaultSort: '-createdAt',
  search: { vector: 'r.search_vector', text: 'lower(r.name)' },
};

/** crm.deals, their contacts (crm.deal_contacts) and their stage history (crm.deal_stage_changes). */
@Injectable()
export class DealsRepository {
  async insert(manager: EntityManager, workspaceId: string, id: string, createdBy: string | null, deal: DealValues): Promise<void> {
    await manager.query(
      `INSERT INTO crm.deals (id, workspace_id, name, amount, currency, pipeline_id, stage_id, company_id, owner_id, expected_close_date,
         description, lost_reason, closed_at, custom_fields, created_by, board_position)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, ${FIRST_PLACE_SQL('$2', '$7', '$1')})`,
      [
        id,
        workspaceId,
        deal.name,
        deal.amount,
        deal.currency,
        deal.pipelineId,
        deal.stageId,
        deal.companyId,
        deal.ownerId,
        deal.expectedCloseDate,
        deal.description,
        deal.lostReason,
        deal.closedAt,
        JSON.stringify(deal.customFields),
        createdBy,
      ],
    );
  }

  /** Writes every field; `stageEntered` restarts the time-in-stage clock. */
  async update(manager: EntityManager, workspaceId: string, id: string, deal: DealValues, stageEntered = false): Promise<void> {
    await manager.query(
      `UPDATE crm.deals SET name = $3, amount = $4, currency = $5, pipeline_id = $6, stage_id = $7, company_id = $8, owner_id = $9,
         expected_close_date = $10, description = $11, lost_reason = $12, closed_at = $13, custom_fields = $14, updated_at = now()
         ${stageEntered ? ', stage_entered_at = now()' : ''}
       WHERE workspace_id = $1 AND id = $2`,
      [
        workspaceId,
        id,
        deal.name,
        deal.amount,
        deal.currency,
        deal.pipelineId,
        deal.stageId,
        deal.companyId,
        deal.ownerId,
        deal.expectedCloseDate,
        deal.description,
        deal.lostReason,
        deal.closedAt,
        JSON.stringify(deal.customFields),
      ],
    );
  }

  /**
   * Moves of the workspace's deals take turns until the transaction ends: a place is worked out from
   * its neighbours' places, which another move could be numbering again meanwhile. Taken before any
   * deal is locked, so that a move numbering a stage again never waits for a move that waits for it.
   */
  async lockBoard(manager: EntityManager, workspaceId: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('crm.deal-board:' || $1, 0))`, [workspaceId]);
  }

  /** The live deal's place in its stage. */
  async position(manager: EntityManager, workspaceId: string, id: string): Promise<bigint | null> {
    const rows: Array<{ position: string }> = await manager.query(
      `SELECT board_position AS position FROM crm.deals WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL`,
      [workspaceId, id],
    );
    return rows[0] ? BigInt(rows[0].position) : null;
  }

  /**
   * The place of the stage's live deal next to (`above` or below) the place `position` of deal
   * `id`, leaving out deal `except` (the one being moved); null at the top or bottom of the stage.
   */
  async neighbourPosition(
    manager: EntityManager,
    workspaceId: string,
    stageId: string,
    at: { position: bigint; id: string },
    above: boolean,
    except: string,
  ): Promise<bigint | null> {
    const rows: Array<{ position: string }> = await manager.query(
      `SELECT board_position AS position FROM crm.deals
        WHERE workspace_id = $1 AND stage_id = $2 AND deleted_at IS NULL AND id <> $5
          AND (board_position, id) ${above ? '<' : '>'} ($3::bigint, $4::uuid)
        ORDER BY board_position ${above ? 'DESC' : 'ASC'}, id ${above ? 'DESC' : 'ASC'} LIMIT 1`,
      [workspaceId, stageId, at.position.toString(), at.id, except],
    );
    return rows[0] ? BigInt(rows[0].position) : null;
  }

  /** Numbers the stage's live deals again, a gap apart in their order, from its first place. */
  async renumberStage(manager: EntityManager, workspaceId: string, stageId: string): Promise<void> {
    await manager.query(
      `UPDATE crm.deals d SET board_position = ordered.first + (ordered.place - 1) * $3::bigint
         FROM (SELECT id, min(board_position) OVER () AS first, row_number() OVER (ORDER BY board_position, id) AS place
                 FROM crm.deals WHERE workspace_id = $1 AND stage_id = $2 AND deleted_at IS NULL) ordered
        WHERE d.workspace_id = $1 AND d.id = ordered.id`,
      [workspaceId, stageId, DEAL_POSITION_GAP.toString()],
    );
  }

  /** Puts the deal first in its stage (above every other live deal there). */
  async moveFirst(manager: EntityManager, workspaceId: string, id: string): Promise<void> {
    await manager.query(
      `UPDATE crm.deals r SET board_position = ${FIRST_PLACE_SQL('r.workspace_id', 'r.stage_id', 'r.id')} WHERE r.workspace_id = $1 AND r.id = $2`,
      [workspaceId, id],
    );
  }

  async setPosition(manager: EntityManager, workspaceId: string, id: string, position: bigint): Promise<void> {
    await manager.query(`UPDATE crm.deals SET board_position = $3 WHERE workspace_id = $1 AND id = $2`, [workspaceId, id, position.toString()]);
  }

  async replaceContacts(manager: EntityManager, workspaceId: string, dealId: string, contactIds: string[]): Promise<void> {
    await manager.query('DELETE FROM crm.deal_contacts WHERE workspace_id = $1 AND deal_id = $2', [workspaceId, dealId]);
    if (contactIds.length === 0) return;
    await manager.query(
      `INSERT INTO crm.deal_contacts (workspace_id, deal_id, contact_id) SELECT $1, $2, contact_id FROM unnest($3::uuid[]) AS contact_id ON CONFLICT DO NOTHING`,
      [workspaceId, dealId, contactIds],
    );
  }

  async find(manager: EntityManager, workspaceId: string, id: string, options: { forUpdate?: boolean } = {}): Promise<DealRow | null> {
    if (options.forUpdate) await manager.query('SELECT 1 FROM crm.deals WHERE workspace_id = $1 AND id = $2 FOR UPDATE', [workspaceId, id]);
    const rows: DealRow[] = await manager.query(`SELECT ${DEAL_COLUMNS} FROM crm.deals r WHERE r.workspace_id = $1 AND r.id = $2`, [workspaceId, id]);
    return rows[0] ?? null;
  }

  async setDeleted(manager: EntityManager, workspaceId: string, id: string, deleted: boolean): Promise<void> {
    await manager.query(`UPDATE crm.deals SET deleted_at = ${deleted ? 'now()' : 'NULL'}, updated_at = now() WHERE workspace_id = $1 AND id = $2`, [
      workspaceId,
      id,
    ]);
  }

  async insertStageChange(
    manager: EntityManager,
    workspaceId: string,
    change: { id: string; dealId: string; fromStageId: string | null; toStageId: string; lostReason: string | null; changedBy: string | null },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO crm.deal_stage_changes (id, workspace_id, deal_id, from_stage_id, to_stage_id, lost_reason, changed_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [change.id, workspaceId, change.dealId, change.fromStageId, change.toStageId, change.lostReason, change.changedBy],
    );
  }

  /** Newest first. */
  async stageChanges(manager: EntityManager, workspaceId: string, dealId: string): Promise<StageChangeRow[]> {
    return manager.query(
      `SELECT id, from_stage_id AS "fromStageId", to_stage_id AS "toStageId", lost_reason AS "lostReason", changed_by AS "changedBy", changed_at AS "changedAt"
       FROM crm.deal_stage_changes WHERE workspace_id = $1 AND deal_id = $2 ORDER BY changed_at DESC, id DESC`,
      [workspaceId, dealId],
    );
  }

  /** Of `ids`, those that are not live companies of the workspace. */
  async missingCompanies(manager: EntityManager, workspaceId: string, ids: string[]): Promise<string[]> {
    return this.missing(manager, 'crm.companies', workspaceId, ids);
  }

  /** Of `ids`, those that are not live contacts of the workspace. */
  async missingContacts(manager: EntityManager, workspaceId: string, ids: string[]): Promise<string[]> {
    return this.missing(manager, 'crm.contacts', workspaceId, ids);
  }

  private async missing(manager: EntityManager, table: string, workspaceId: string, ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows: Array<{ id: string }> = await manager.query(
      `SELECT wanted.id FROM unnest($2::uuid[]) AS wanted(id)
       WHERE NOT EXISTS (SELECT 1 FROM ${table} t WHERE t.workspace_id = $1 AND t.id = wanted.id AND t.deleted_at IS NULL)`,
      [workspaceId, ids],
    );
    return rows.map((row) => row.id);
  }
}
