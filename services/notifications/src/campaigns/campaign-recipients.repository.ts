import { Injectable } from '@nestjs/common';
import { updateReturning } from '@kinship/persistence';
import type { EntityManager } from 'typeorm';
import { EMPTY_COUNTS, type CampaignCounts, type RecipientRecord, type RecipientStatus } from './campaign.record.js';

const COLUMNS = `id, contact_id AS "contactId", address, status, attempts, provider_message_id AS "providerMessageId", error,
  created_at AS "createdAt", updated_at AS "updatedAt", sent_at AS "sentAt", unsubscribed_at AS "unsubscribedAt"`;

/** A provider's error can be long (a whole SMTP transcript); the log keeps its start. */
const ERROR_MAX = 1000;

export interface NewRecipient {
  id: string;
  contactId: string;
  address: string | null;
  /** The contact's merge fields, as the audience was resolved. */
  fields: Record<string, unknown>;
  status: Extract<RecipientStatus, 'queued' | 'skipped_opted_out' | 'skipped_no_address'>;
}

/** A recipient a worker holds: its message is sent now. */
export interface ClaimedRecipient {
  id: string;
  contactId: string;
  address: string;
  fields: Record<string, unknown>;
  attempts: number;
}

export interface SentRecipient {
  id: string;
  providerMessageId: string;
}

/** The delivery log's filter: a status, or `unsubscribed` for those who used the link. */
export type RecipientFilter = RecipientStatus | 'unsubscribed' | null;

const STATUS_COUNTS: Record<string, keyof CampaignCounts> = {
  queued: 'queued',
  sending: 'queued',
  sent: 'sent',
  delivered: 'delivered',
  undelivered: 'undelivered',
  failed: 'failed',
  skipped_opted_out: 'skippedOptedOut',
  skipped_no_address: 'skippedNoAddress',
  cancelled: 'cancelled',
};

/** notifications.campaign_recipients: the delivery log and the record that sends each recipient once. */
@Injectable()
export class CampaignRecipientsRepository {
  /** A page of the audience in one statement; a contact already there (a resumed page) is left as it is. Returns how many were new and queued. */
  async insertMany(manager: EntityManager, workspaceId: string, campaignId: string, recipients: NewRecipient[]): Promise<number> {
    if (recipients.length === 0) return 0;
    const rows: Array<{ status: string }> = await manager.query(
      `INSERT INTO notifications.campaign_recipients (id, workspace_id, campaign_id, contact_id, address, fields, status)
       SELECT r.id, $1, $2, r.contact_id, r.address, r.fields, r.status
       FROM unnest($3::uuid[], $4::uuid[], $5::text[], $6::jsonb[], $7::text[]) AS r(id, contact_id, address, fields, status)
       ON CONFLICT (campaign_id, contact_id) DO NOTHING RETURNING status`,
      [
        workspaceId,
        campaignId,
        recipients.map((recipient) => recipient.id),
        recipients.map((recipient) => recipient.contactId),
        recipients.map((recipient) => recipient.address),
        recipients.map((recipient) => JSON.stringify(recipient.fields)),
        recipients.map((recipient) => recipient.status),
      ],
    );
    return rows.filter((row) => row.status === 'queued').length;
  }

  /**
   * Takes up to `limit` recipients to send now, while the campaign is sending: queued ones that
   * are due, and 'sending' ones whose lease ended (their worker died). SKIP LOCKED keeps workers apart.
   */
  async claim(manager: EntityManager, workspaceId: string, campaignId: string, limit: number, leaseMs: number): Promise<ClaimedRecipient[]> {
    return updateReturning<ClaimedRecipient>(
      manager,
      `UPDATE notifications.campaign_recipients r
       SET status = 'sending', claimed_until = now() + make_interval(secs => $4::double precision / 1000), attempts = r.attempts + 1, updated_at = now()
       WHERE r.id IN (
         SELECT c.id FROM notifications.campaign_recipients c
         WHERE c.campaign_id = $2 AND c.workspace_id = $1
           AND ((c.status = 'queued' AND c.available_at <= now()) OR (c.status = 'sending' AND c.claimed_until < now()))
           AND EXISTS (SELECT 1 FROM notifications.campaigns k WHERE k.id = $2 AND k.status = 'sending')
         ORDER BY c.id LIMIT $3 FOR UPDATE SKIP LOCKED
       )
       RETURNING r.id, r.contact_id AS "contactId", r.address, r.fields, r.attempts`,
      [workspaceId, campaignId, limit, leaseMs],
    );
  }

  /** Extends the lease of recipients a live worker is still sending, so no other worker takes them over. */
  async renewClaims(manager: EntityManager, workspaceId: string, ids: string[], leaseMs: number): Promise<void> {
    await manager.query(
      `UPDATE notifications.campaign_recipients SET claimed_until = now() + make_interval(secs => $3::double precision / 1000)
       WHERE workspace_id = $1 AND id = ANY($2::uuid[]) AND status = 'sending'`,
      [workspaceId, ids, leaseMs],
    );
  }

  /** Marks recipients sent; returns those this call moved from sending (a lapsed claim may have moved on). */
  async markSent(manager: EntityManager, workspaceId: string, sent: SentRecipient[]): Promise<Array<{ id: string; contactId: string }>> {
    if (sent.length === 0) return [];
    return updateReturning<{ id: string; contactId: string }>(
      manager,
      `UPDATE notifications.campaign_recipients r SET status = 'sent', provider_message_id = s.message_id, sent_at = now(), updated_at = now(),
         claimed_until = NULL, error = NULL
       FROM unnest($2::uuid[], $3::text[]) AS s(id, message_id)
       WHERE r.workspace_id = $1 AND r.id = s.id AND r.status = 'sending'
       RETURNING r.id, r.contact_id AS "contactId"`,
      [workspaceId, sent.map((recipient) => recipient.id), sent.map((recipient) => recipient.providerMessageId)],
    );
  }

  /** Back to queued, due again after `delayMs`, or failed for good. */
  async markNotSent(manager: EntityManager, workspaceId: string, id: string, error: string, retryAfterMs: number | null): Promise<void> {
    await manager.query(
      `UPDATE notifications.campaign_recipients SET error = $3, updated_at = now(), claimed_until = NULL,
         status = CASE WHEN $4::integer IS NULL THEN 'failed' ELSE 'queued' END,
         available_at = CASE WHEN $4::integer IS NULL THEN available_at ELSE now() + make_interval(secs => $4::double precision / 1000) END
       WHERE workspace_id = $1 AND id = $2 AND status = 'sending'`,
      [workspaceId, id, error.slice(0, ERROR_MAX), retryAfterMs],
    );
  }

  /** The recipients not sent to yet, once the campaign is cancelled. */
  async cancelQueued(manager: EntityManager, workspaceId: string, campaignId: string): Promise<void> {
    await manager.query(
      `UPDATE notifications.campaign_recipients SET status = 'cancelled', updated_at = now() WHERE workspace_id = $1 AND campaign_id = $2 AND status = 'queued'`,
      [workspaceId, campaignId],
    );
  }

  /** A contact who just unsubscribed from a channel is not sent what other campaigns still hold for it. */
  async skipQueuedOf(manager: EntityManager, workspaceId: string, contactId: string, channel: string): Promise<void> {
    await manager.query(
      `UPDATE notifications.campaign_recipients r SET status = 'skipped_opted_out', updated_at = now()
       FROM notifications.campaigns c
       WHERE r.workspace_id = $1 AND r.contact_id = $2 AND r.status = 'queued' AND c.id = r.campaign_id AND c.channel = $3`,
      [workspaceId, contactId, channel],
    );
  }

  /** Queued recipients of an SMS campaign whose number texted STOP (notifications.sms_opt_outs). */
  async skipStoppedNumbers(manager: EntityManager, workspaceId: string, campaignId: string): Promise<void> {
    await manager.query(
      `UPDATE notifications.campaign_recipients r SET status = 'skipped_opted_out', updated_at = now()
       FROM notifications.sms_opt_outs o
       WHERE r.workspace_id = $1 AND r.campaign_id = $2 AND r.status = 'queued' AND o.workspace_id = $1 AND o.phone = r.address`,
      [workspaceId, campaignId],
    );
  }

  /** A number that just texted STOP is not sent what SMS campaigns still hold for it. */
  async skipQueuedToNumber(manager: EntityManager, workspaceId: string, phone: string): Promise<void> {
    await manager.query(
      `UPDATE notifications.campaign_recipients r SET status = 'skipped_opted_out', updated_at = now()
       FROM notifications.campaigns c
       WHERE r.workspace_id = $1 AND r.address = $2 AND r.status = 'queued' AND c.id = r.campaign_id AND c.channel = 'sms'`,
      [workspaceId, phone],
    );
  }

  async counts(manager: EntityManager, workspaceId: string, campaignIds: string[]): Promise<Map<string, CampaignCounts>> {
    const rows: Array<{ campaignId: string; status: string; count: string; unsubscribed: string }> = await manager.query(
      `SELECT campaign_id AS "campaignId", status, count(*) AS count, count(unsubscribed_at) AS unsubscribed
       FROM notifications.campaign_recipients WHERE workspace_id = $1 AND campaign_id = ANY($2::uuid[]) GROUP BY campaign_id, status`,
      [workspaceId, campaignIds],
    );
    const counts = new Map<string, CampaignCounts>(campaignIds.map((id) => [id, { ...EMPTY_COUNTS }]));
    for (const row of rows) {
      const campaign = counts.get(row.campaignId)!;
      campaign[STATUS_COUNTS[row.status]!] += Number(row.count);
      campaign.total += Number(row.count);
      campaign.unsubscribed += Number(row.unsubscribed);
    }
    return counts;
  }

  /** The delivery log, in audience order; one row more than the page, if there is one. */
  async list(
    manager: EntityManager,
    workspaceId: string,
    campaignId: string,
    filter: RecipientFilter,
    position: { limit: number; afterId: string | null },
  ): Promise<RecipientRecord[]> {
    const condition = filter === 'unsubscribed' ? 'unsubscribed_at IS NOT NULL' : filter === null ? 'true' : 'status = $5';
    const parameters: unknown[] = [workspaceId, campaignId, position.afterId, position.limit + 1];
    if (filter !== null && filter !== 'unsubscribed') parameters.push(filter);
    return manager.query(
      `SELECT ${COLUMNS} FROM notifications.campaign_recipients
       WHERE workspace_id = $1 AND campaign_id = $2 AND ${condition} AND ($3::uuid IS NULL OR id > $3::uuid)
       ORDER BY id LIMIT $4`,
      parameters,
    );
  }

  /** Whether this contact used this campaign's unsubscribe link; 'unknown' when the campaign has no such recipient. */
  async unsubscribeState(
    manager: EntityManager,
    workspaceId: string,
    campaignId: string,
    contactId: string,
    lock = false,
  ): Promise<'subscribed' | 'already' | 'unknown'> {
    const rows: Array<{ unsubscribedAt: Date | null }> = await manager.query(
      `SELECT unsubscribed_at AS "unsubscribedAt" FROM notifications.campaign_recipients WHERE workspace_id = $1 AND campaign_id = $2 AND contact_id = $3${lock ? ' FOR UPDATE' : ''}`,
      [workspaceId, campaignId, contactId],
    );
    if (rows.length === 0) return 'unknown';
    return rows[0]!.unsubscribedAt ? 'already' : 'subscribed';
  }

  /** Records the first unsubscribe of this contact from this campaign; a second one changes nothing. */
  async unsubscribe(manager: EntityManager, workspaceId: string, campaignId: string, contactId: string): Promise<'recorded' | 'already' | 'unknown'> {
    const state = await this.unsubscribeState(manager, workspaceId, campaignId, contactId, true);
    if (state !== 'subscribed') return state;
    await manager.query(
      `UPDATE notifications.campaign_recipients SET unsubscribed_at = now(), updated_at = now() WHERE workspace_id = $1 AND campaign_id = $2 AND contact_id = $3`,
      [workspaceId, campaignId, contactId],
    );
    return 'recorded';
  }
}
