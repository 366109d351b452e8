import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  AUDIENCE_PAGE_DEFAULT,
  type AudienceCount,
  type AudienceMember,
  type AudiencePage,
  type AudienceBody,
  type ResolveAudienceInput,
} from '@kinship/contracts/crm';
import { callerWorkspace, RpcError } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { isUuid, withWorkspace } from '@kinship/persistence';
import type { DataSource, EntityManager } from 'typeorm';
import { assertHolds, type CrmCaller } from '../common/crm-caller.js';
import { addFilterConditions, addSearchCondition, SqlConditions } from '../common/list-query.js';
import { CONTACT_LIST } from '../contacts/contact.model.js';
import { CustomFieldValidator } from '../custom-fields/custom-field-values.js';
import { checkContactFilter, splitSearch, type ContactFilter } from './contact-filter.js';
import { SegmentsRepository, staticMemberCondition } from './segments.repository.js';

const MEMBER_COLUMNS = `r.id, r.first_name AS "firstName", r.last_name AS "lastName", r.email, r.phone, r.job_title AS "jobTitle",
  r.company_name AS "companyName", r.lifecycle_stage AS "lifecycleStage", r.owner_id AS "ownerId",
  r.email_opt_out AS "emailOptOut", r.sms_opt_out AS "smsOptOut", r.custom_fields AS "customFields"`;

/**
 * crm.audience.resolve, for notifications' campaigns: the live contacts of a segment, of a filter
 * or of a list of ids, page by page in id order (ids are UUIDv7, so contacts created during a send
 * come last and are included). Opted-out contacts are included with their flags: the sender skips
 * and counts them. Internal: the gateway routes no path to it, and the request's workspace confines it.
 * crm.audience.count counts the same contacts for the console (public, `segments:read`).
 */
@Injectable()
export class AudienceService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly segments: SegmentsRepository,
    private readonly customFields: CustomFieldValidator,
  ) {}

  async resolve(context: RequestContext, input: ResolveAudienceInput): Promise<AudiencePage> {
    const workspaceId = callerWorkspace(context);
    if (input.cursor !== undefined && !isUuid(input.cursor)) {
      throw new RpcError(400, 'invalid_parameter', 'The cursor is not valid for this audience.', [
        { field: 'cursor', issue: 'is not a cursor of this audience' },
      ]);
    }
    const limit = input.limit ?? AUDIENCE_PAGE_DEFAULT;
    return withWorkspace(this.dataSource, workspaceId, async (manager) => {
      const where = await this.audienceConditions(manager, workspaceId, input);
      if (input.cursor) where.add(`r.id > ${where.param(input.cursor)}::uuid`);
      const rows: AudienceMember[] = await manager.query(
        `SELECT ${MEMBER_COLUMNS} FROM crm.contacts r WHERE ${where.where()} ORDER BY r.id LIMIT ${where.param(limit + 1)}`,
        where.parameters,
      );
      const data = rows.slice(0, limit);
      return { data, nextCursor: rows.length > limit ? data.at(-1)!.id : null };
    });
  }

  /** POST /audiences/count: what the campaign composer shows while the audience is being picked. */
  async count(caller: CrmCaller, input: AudienceBody): Promise<AudienceCount> {
    assertHolds(caller, 'segments:read');
    const { workspaceId } = caller;
    return withWorkspace(this.dataSource, workspaceId, async (manager) => {
      const where = await this.audienceConditions(manager, workspaceId, input);
      const rows: AudienceCount[] = await manager.query(
        `SELECT count(*)::int AS count, count(*) FILTER (WHERE r.email_opt_out)::int AS "emailOptOut", count(*) FILTER (WHERE r.sms_opt_out)::int AS "smsOptOut"
           FROM crm.contacts r WHERE ${where.where()}`,
        where.parameters,
      );
      return rows[0]!;
    });
  }

  /** The live contacts of exactly one of the segment, the filter and the ids, in the workspace. */
  private async audienceConditions(manager: EntityManager, workspaceId: string, input: AudienceBody): Promise<SqlConditions> {
    const sources = [input.segmentId, input.filter, input.contactIds].filter((source) => source !== undefined);
    if (sources.length !== 1) throw RpcError.validation([{ field: 'segmentId', issue: 'give exactly one of segmentId, filter and contactIds' }]);
    const where = new SqlConditions();
    where.add(`r.workspace_id = ${where.param(workspaceId)}::uuid`);
    await this.addAudienceConditions(manager, workspaceId, input, where);
    return where;
  }

  private async addAudienceConditions(manager: EntityManager, workspaceId: string, input: AudienceBody, where: SqlConditions): Promise<void> {
    if (input.contactIds) {
      addFilterConditions(CONTACT_LIST, {}, where);
      where.add(`r.id = ANY(${where.param(input.contactIds.filter(isUuid))}::uuid[])`);
      return;
    }
    let filter: ContactFilter;
    if (input.filter) {
      filter = await checkContactFilter(manager, this.customFields, workspaceId, input.filter);
    } else {
      // A deleted segment sends to no one: the campaign learns it (404) instead of sending to an empty list.
      const segment = isUuid(input.segmentId) ? await this.segments.find(manager, workspaceId, input.segmentId) : null;
      if (!segment || segment.deletedAt) throw RpcError.notFound('Segment');
      if (segment.kind === 'static') {
        addFilterConditions(CONTACT_LIST, {}, where);
        staticMemberCondition(where, segment.id);
        return;
      }
      filter = segment.filter!;
    }
    const { filter: conditions, q } = splitSearch(filter);
    addFilterConditions(CONTACT_LIST, conditions, where);
    if (q) addSearchCondition(CONTACT_LIST, q, where);
  }
}
