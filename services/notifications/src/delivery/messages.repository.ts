import { Injectable } from '@nestjs/common';
import { updateReturning } from '@kinship/persistence';
import type { EntityManager } from 'typeorm';
import type { PagePosition } from '@kinship/messaging';
import type { Channel, MessageAttachment, MessageHeaders, MessageRecord, MessageStatus } from './message.record.js';

const COLUMNS = `id, workspace_id AS "workspaceId", channel, template_key AS "templateKey", recipient_user_id AS "recipientUserId",
  recipient_contact_id AS "recipientContactId", campaign_id AS "campaignId", address, subject, html, text, attachments, headers, status, attempts,
  last_error AS "lastError", provider_message_id AS "providerMessageId", created_at AS "createdAt", updated_at AS "updatedAt",
  sent_at AS "sentAt", failed_at AS "failedAt", delivered_at AS "deliveredAt"`;

/** A provider's error can be long (a whole SMTP transcript); the record keeps its start. */
const ERROR_MAX = 1000;

/** What is sent: subject (email only), HTML (email only) and the text part or SMS text. */
export interface MessageContent {
  subject: string | null;
  html: string | null;
  text: string | null;
}

export interface NewMessage extends MessageContent {
  id: string;
  workspaceId: string;
  /** What caused it, unique per workspace: the same cause never queues a second message. */
  dedupeKey: string;
  channel: Channel;
  templateKey: string;
  recipientUserId?: string | null;
  recipientContactId?: string | null;
  campaignId?: string | null;
  address: string;
  attachments?: MessageAttachment[];
  headers?: MessageHeaders | null;
}

export interface MessageFilter {
  status: MessageStatus | null;
  channel: Channel | null;
}

/** notifications.messages, the idempotency record of every send. */
@Injectable()
export class MessagesRepository {
  /**
   * false when a message of this dedupe key exists already. The new row's lock (lockMessage) is
   * held until the caller's transaction ends, so a job that starts before the commit waits for it.
   */
  async insert(manager: EntityManager, message: NewMessage): Promise<boolean> {
    const rows: Array<{ id: string }> = await manager.query(
      `INSERT INTO notifications.messages
         (id, workspace_id, dedupe_key, channel, template_key, recipient_user_id, recipient_contact_id, campaign_id, address, subject, html, text, attachments, headers)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       ON CONFLICT (workspace_id, dedupe_key) DO NOTHING RETURNING id`,
      [
        message.id,
        message.workspaceId,
        message.dedupeKey,
        message.channel,
        message.templateKey,
        message.recipientUserId ?? null,
        message.recipientContactId ?? null,
        message.campaignId ?? null,
        message.address,
        message.subject,
        message.html,
        message.text,
        JSON.stringify(message.attachments ?? []),
        message.headers ? JSON.stringify(message.headers) : null,
      ],
    );
    if (rows.length === 0) return false;
    await this.lockMessage(manager, message.id);
    return true;
  }

  /**
   * A transaction-scoped lock on a message id, rows or no rows: taken by the transaction that
   * writes the message and by every job that sends it, so a job never looks before the writer
   * has committed or rolled back, and two jobs of one message never send at once.
   */
  async lockMessage(manager: EntityManager, id: string): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`notifications.messages:${id}`]);
  }

  async find(manager: EntityManager, workspaceId: string, id: string): Promise<MessageRecord | null> {
    const rows: MessageRecord[] = await manager.query(`SELECT ${COLUMNS} FROM notifications.messages WHERE workspace_id = $1 AND id = $2`, [workspaceId, id]);
    return rows[0] ?? null;
  }

  async findForUpdate(manager: EntityManager, workspaceId: string, id: string): Promise<MessageRecord | null> {
    const rows: MessageRecord[] = await manager.query(`SELECT ${COLUMNS} FROM notifications.messages WHERE workspace_id = $1 AND id = $2 FOR UPDATE`, [
      workspaceId,
      id,
    ]);
    return rows[0] ?? null;
  }

  /**
   * Content holding a one-time link is dropped once sent: the record need not keep a key to
   * someone's account. (Security emails are now queued without content, in the row; this clears
   * those an earlier version queued with it.)
   */
  async markSent(manager: EntityManager, workspaceId: string, id: string, providerMessageId: string, dropContent: boolean): Promise<void> {
    await manager.query(
      `UPDATE notifications.messages SET status = 'sent', attempts = attempts + 1, provider_message_id = $3, sent_at = now(), updated_at = now(),
         subject = CASE WHEN $4::boolean THEN NULL ELSE subject END, html = CASE WHEN $4::boolean THEN NULL ELSE html END, text = CASE WHEN $4::boolean THEN NULL ELSE text END
       WHERE workspace_id = $1 AND id = $2`,
      [workspaceId, id, providerMessageId, dropContent],
    );
  }

  /** One more failed try; after the last one the message is failed and waits for an admin. */
  async markAttemptFailed(manager: EntityManager, workspaceId: string, id: string, error: string, lastAttempt: boolean): Promise<void> {
    await manager.query(
      `UPDATE notifications.messages SET attempts = attempts + 1, last_error = $3, updated_at = now(),
         status = CASE WHEN $4::boolean THEN 'failed' ELSE status END, failed_at = CASE WHEN $4::boolean THEN now() ELSE failed_at END
       WHERE workspace_id = $1 AND id = $2`,
      [workspaceId, id, error.slice(0, ERROR_MAX), lastAttempt],
    );
  }

  /** A failed message back in the queue; null when it is not failed. */
  async requeueFailed(manager: EntityManager, workspaceId: string, id: string): Promise<MessageRecord | null> {
    const rows = await updateReturning<MessageRecord>(
      manager,
      `UPDATE notifications.messages SET status = 'queued', failed_at = NULL, updated_at = now()
       WHERE workspace_id = $1 AND id = $2 AND status = 'failed' RETURNING ${COLUMNS}`,
      [workspaceId, id],
    );
    return rows[0] ?? null;
  }

  /** Newest first. Returns one row more than the page, if there is one. */
  async list(manager: EntityManager, workspaceId: string, filter: MessageFilter, position: PagePosition): Promise<MessageRecord[]> {
    return manager.query(
      `SELECT ${COLUMNS} FROM notifications.messages
       WHERE workspace_id = $1 AND ($2::text IS NULL OR status = $2::text) AND ($3::text IS NULL OR channel = $3::text)
         AND ($4::uuid IS NULL OR id < $4::uuid)
       ORDER BY id DESC LIMIT $5`,
      [workspaceId, filter.status, filter.channel, position.afterId, position.limit + 1],
    );
  }
}
