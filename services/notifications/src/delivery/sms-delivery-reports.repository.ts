import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** What a provider reports of an SMS, as Twilio names it; only the final ones change a message. */
export const SMS_REPORT_STATUSES = ['accepted', 'scheduled', 'queued', 'sending', 'sent', 'delivered', 'read', 'undelivered', 'failed', 'canceled'] as const;
export type SmsReportStatus = (typeof SMS_REPORT_STATUSES)[number];

/**
 * notifications.sms_status_reports: each (provider message id, status) once. A message (or a
 * campaign's recipient) moves from sent to the first final report received — delivered (read
 * counts as delivered), undelivered or failed — and never back, whatever order reports arrive in.
 */
@Injectable()
export class SmsDeliveryReports {
  /**
   * Serialises everything done about one provider message id: the callback that records a report
   * and the send that stores the id, so a report that arrives before the send has committed is
   * applied by the send, and one that arrives after finds the message.
   */
  async lock(manager: EntityManager, sids: string[]): Promise<void> {
    await manager.query(
      `SELECT pg_advisory_xact_lock(hashtextextended('notifications.sms:' || sid, 0)) FROM (SELECT DISTINCT unnest($1::text[]) AS sid ORDER BY 1) ids`,
      [sids],
    );
  }

  /** false when this status of this message was reported before. */
  async record(manager: EntityManager, sid: string, status: SmsReportStatus, errorCode: string | null): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO notifications.sms_status_reports (message_sid, status, error_code) VALUES ($1, $2, $3) ON CONFLICT (message_sid, status) DO NOTHING RETURNING message_sid`,
      [sid, status, errorCode],
    );
    return rows.length > 0;
  }

  /** The workspace whose message or campaign recipient holds this provider id; null while none does. */
  async workspaceOf(manager: EntityManager, sid: string): Promise<string | null> {
    const rows: Array<{ workspaceId: string | null }> = await manager.query(`SELECT notifications.sms_message_workspace($1) AS "workspaceId"`, [sid]);
    return rows[0]?.workspaceId ?? null;
  }

  /** Moves the workspace's sent SMS with these provider ids (messages and campaign recipients) to their first final report. Call under lock(). */
  async apply(manager: EntityManager, workspaceId: string, sids: string[]): Promise<void> {
    const final = `SELECT DISTINCT ON (message_sid) message_sid AS sid, CASE WHEN status = 'read' THEN 'delivered' ELSE status END AS status, error_code, received_at,
        CASE WHEN status IN ('failed', 'undelivered') THEN 'The carrier reported the SMS ' || status || COALESCE(' (error code ' || error_code || ')', '') END AS error
      FROM notifications.sms_status_reports WHERE message_sid = ANY($2::text[]) AND status IN ('delivered', 'read', 'undelivered', 'failed')
      ORDER BY message_sid, received_at, status`;
    await manager.query(
      `UPDATE notifications.messages m SET status = r.status, updated_at = now(),
         delivered_at = CASE WHEN r.status = 'delivered' THEN r.received_at ELSE m.delivered_at END,
         failed_at = CASE WHEN r.error IS NOT NULL THEN r.received_at ELSE m.failed_at END,
         last_error = COALESCE(r.error, m.last_error)
       FROM (${final}) r
       WHERE m.workspace_id = $1 AND m.channel = 'sms' AND m.provider_message_id = r.sid AND m.status = 'sent'`,
      [workspaceId, sids],
    );
    await manager.query(
      `UPDATE notifications.campaign_recipients c SET status = r.status, updated_at = now(), error = COALESCE(r.error, c.error)
       FROM (${final}) r
       WHERE c.workspace_id = $1 AND c.provider_message_id = r.sid AND c.status = 'sent'`,
      [workspaceId, sids],
    );
  }
}
