import { Injectable } from '@nestjs/common';
import { updateReturning } from '@kinship/persistence';
import type { EntityManager } from 'typeorm';
import type { PagePosition } from '@kinship/messaging';
import type { CampaignAudience, CampaignChannel, CampaignRecord, CampaignStatus } from './campaign.record.js';

const COLUMNS = `id, workspace_id AS "workspaceId", name, channel, subject, body, template_id AS "templateId", audience, status,
  scheduled_at AS "scheduledAt", audience_cursor AS "audienceCursor", audience_resolved_at AS "audienceResolvedAt",
  failure_reason AS "failureReason", created_by AS "createdBy", created_at AS "createdAt", updated_at AS "updatedAt",
  started_at AS "startedAt", finished_at AS "finishedAt", cancelled_at AS "cancelledAt"`;

export interface NewCampaign {
  id: string;
  workspaceId: string;
  name: string;
  channel: CampaignChannel;
  subject: string | null;
  body: string | null;
  templateId: string | null;
  audience: CampaignAudience;
  scheduledAt: Date | null;
  createdBy: string | null;
}

export type CampaignChanges = Partial<Pick<NewCampaign, 'name' | 'channel' | 'subject' | 'body' | 'templateId' | 'audience' | 'scheduledAt'>> & {
  status?: 'draft';
};

const CHANGE_COLUMNS: Record<keyof CampaignChanges, string> = {
  name: 'name',
  channel: 'channel',
  subject: 'subject',
  body: 'body',
  templateId: 'template_id',
  audience: 'audience',
  scheduledAt: 'scheduled_at',
  status: 'status',
};

/** A campaign the runner knows to be sending (or just started by its schedule). */
export interface RunnableCampaign {
  campaignId: string;
  workspaceId: string;
  audienceResolved: boolean;
}

/** notifications.campaigns. */
@Injectable()
export class CampaignsRepository {
  async insert(manager: EntityManager, campaign: NewCampaign): Promise<CampaignRecord> {
    const rows: CampaignRecord[] = await manager.query(
      `INSERT INTO notifications.campaigns (id, workspace_id, name, channel, subject, body, template_id, audience, scheduled_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${COLUMNS}`,
      [
        campaign.id,
        campaign.workspaceId,
        campaign.name,
        campaign.channel,
        campaign.subject,
        campaign.body,
        campaign.templateId,
        JSON.stringify(campaign.audience),
        campaign.scheduledAt,
        campaign.createdBy,
      ],
    );
    return rows[0]!;
  }

  async find(manager: EntityManager, workspaceId: string, id: string): Promise<CampaignRecord | null> {
    const rows: CampaignRecord[] = await manager.query(
      `SELECT ${COLUMNS} FROM notifications.campaigns WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL`,
      [workspaceId, id],
    );
    return rows[0] ?? null;
  }

  /** The campaign, kept from changing status until the transaction ends: a cancel waits for what is being written under it. */
  async findForShare(manager: EntityManager, workspaceId: string, id: string): Promise<CampaignRecord | null> {
    const rows: CampaignRecord[] = await manager.query(
      `SELECT ${COLUMNS} FROM notifications.campaigns WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL FOR SHARE`,
      [workspaceId, id],
    );
    return rows[0] ?? null;
  }

  /** Newest first; one row more than the page, if there is one. */
  async list(manager: EntityManager, workspaceId: string, status: CampaignStatus | null, position: PagePosition): Promise<CampaignRecord[]> {
    return manager.query(
      `SELECT ${COLUMNS} FROM notifications.campaigns
       WHERE workspace_id = $1 AND deleted_at IS NULL AND ($2::text IS NULL OR status = $2::text) AND ($3::uuid IS NULL OR id < $3::uuid)
       ORDER BY id DESC LIMIT $4`,
      [workspaceId, status, position.afterId, position.limit + 1],
    );
  }

  /** Changes a campaign that has not started; null when it has (or is gone). */
  async updateUnstarted(manager: EntityManager, workspaceId: string, id: string, changes: CampaignChanges): Promise<CampaignRecord | null> {
    const sets: string[] = [];
    const values: unknown[] = [workspaceId, id];
    for (const [key, value] of Object.entries(changes) as Array<[keyof CampaignChanges, unknown]>) {
      if (value === undefined) continue;
      values.push(key === 'audience' ? JSON.stringify(value) : value);
      sets.push(`${CHANGE_COLUMNS[key]} = $${values.length}`);
    }
    const rows = await updateReturning<CampaignRecord>(
      manager,
      `UPDATE notifications.campaigns SET ${[...sets, 'updated_at = now()'].join(', ')}
       WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL AND status IN ('draft', 'scheduled') RETURNING ${COLUMNS}`,
      values,
    );
    return rows[0] ?? null;
  }

  /** Only an unstarted campaign is deleted; null otherwise. */
  async deleteUnstarted(manager: EntityManager, workspaceId: string, id: string): Promise<CampaignRecord | null> {
    const rows = await updateReturning<CampaignRecord>(
      manager,
      `UPDATE notifications.campaigns SET deleted_at = now(), updated_at = now(), status = CASE WHEN status = 'scheduled' THEN 'draft' ELSE status END
       WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL AND status IN ('draft', 'scheduled') RETURNING ${COLUMNS}`,
      [workspaceId, id],
    );
    return rows[0] ?? null;
  }

  /** Draft to scheduled (a future scheduledAt), or draft or scheduled to sending; null when it is neither. */
  async start(manager: EntityManager, workspaceId: string, id: string, status: 'scheduled' | 'sending'): Promise<CampaignRecord | null> {
    const rows = await updateReturning<CampaignRecord>(
      manager,
      `UPDATE notifications.campaigns SET status = $3, updated_at = now(), started_at = CASE WHEN $3 = 'sending' THEN now() ELSE NULL END
       WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL AND status IN ('draft', 'scheduled') RETURNING ${COLUMNS}`,
      [workspaceId, id, status],
    );
    return rows[0] ?? null;
  }

  /** Scheduled or sending to cancelled; null when it is neither. */
  async cancel(manager: EntityManager, workspaceId: string, id: string): Promise<CampaignRecord | null> {
    const rows = await updateReturning<CampaignRecord>(
      manager,
      `UPDATE notifications.campaigns SET status = 'cancelled', cancelled_at = now(), finished_at = now(), updated_at = now()
       WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL AND status IN ('scheduled', 'sending') RETURNING ${COLUMNS}`,
      [workspaceId, id],
    );
    return rows[0] ?? null;
  }

  async saveAudienceProgress(manager: EntityManager, workspaceId: string, id: string, cursor: string | null, resolved: boolean): Promise<void> {
    await manager.query(
      `UPDATE notifications.campaigns SET audience_cursor = COALESCE($3, audience_cursor), updated_at = now(),
         audience_resolved_at = CASE WHEN $4::boolean THEN now() ELSE audience_resolved_at END
       WHERE workspace_id = $1 AND id = $2`,
      [workspaceId, id, cursor, resolved],
    );
  }

  async fail(manager: EntityManager, workspaceId: string, id: string, reason: string): Promise<void> {
    await manager.query(
      `UPDATE notifications.campaigns SET status = 'failed', failure_reason = $3, finished_at = now(), updated_at = now()
       WHERE workspace_id = $1 AND id = $2 AND status = 'sending'`,
      [workspaceId, id, reason.slice(0, 1000)],
    );
  }

  /** Sending to sent once the audience is resolved and no recipient waits; false while some do. */
  async finishIfDone(manager: EntityManager, workspaceId: string, id: string): Promise<boolean> {
    const rows = await updateReturning<{ id: string }>(
      manager,
      `UPDATE notifications.campaigns c SET status = 'sent', finished_at = now(), updated_at = now()
       WHERE c.workspace_id = $1 AND c.id = $2 AND c.status = 'sending' AND c.audience_resolved_at IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM notifications.campaign_recipients r WHERE r.campaign_id = c.id AND r.status IN ('queued', 'sending'))
       RETURNING c.id`,
      [workspaceId, id],
    );
    return rows.length > 0;
  }

  /** Starts the due scheduled campaigns and names every sending one, of every workspace. */
  async runnable(manager: EntityManager): Promise<RunnableCampaign[]> {
    return manager.query(
      `SELECT campaign_id AS "campaignId", workspace_id AS "workspaceId", audience_resolved AS "audienceResolved" FROM notifications.campaigns_to_run()`,
    );
  }
}
