import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface EmailLookup {
  known: boolean;
  contactId: string | null;
  threadTicketId: string | null;
}

export interface ThreadMessage {
  messageId: string;
  ticketId: string;
  commentId: string | null;
  direction: 'inbound' | 'outbound';
  supportAddress: string;
}

/** crm.ticket_email_messages: the Message-IDs of each ticket's email thread. */
@Injectable()
export class TicketEmailRepository {
  /**
   * In one round trip: whether this Message-ID is in a thread already, the live contact holding the
   * sender's address, and the live ticket of the first of `references` (nearest first) in a thread.
   */
  async lookup(manager: EntityManager, workspaceId: string, email: { messageId: string; fromAddress: string; references: string[] }): Promise<EmailLookup> {
    const rows: EmailLookup[] = await manager.query(
      `SELECT EXISTS (SELECT 1 FROM crm.ticket_email_messages WHERE workspace_id = $1 AND message_id = $2) AS known,
         (SELECT i.contact_id FROM crm.contact_identities i WHERE i.workspace_id = $1 AND i.kind = 'email' AND i.value = lower($3) LIMIT 1) AS "contactId",
         (SELECT m.ticket_id FROM crm.ticket_email_messages m JOIN crm.tickets t ON t.workspace_id = m.workspace_id AND t.id = m.ticket_id
          WHERE m.workspace_id = $1 AND m.message_id = ANY($4::text[]) AND t.deleted_at IS NULL
          ORDER BY array_position($4::text[], m.message_id) LIMIT 1) AS "threadTicketId"`,
      [workspaceId, email.messageId, email.fromAddress, email.references],
    );
    return rows[0]!;
  }

  /** The live ticket of this number whose contact is this one (a subject token alone names no one else's ticket). */
  async ticketOfNumber(manager: EntityManager, workspaceId: string, number: number, contactId: string): Promise<string | null> {
    const rows: Array<{ id: string }> = await manager.query(
      'SELECT id FROM crm.tickets WHERE workspace_id = $1 AND number = $2 AND contact_id = $3 AND deleted_at IS NULL',
      [workspaceId, number, contactId],
    );
    return rows[0]?.id ?? null;
  }

  async record(manager: EntityManager, workspaceId: string, message: ThreadMessage): Promise<void> {
    await manager.query(
      `INSERT INTO crm.ticket_email_messages (workspace_id, message_id, ticket_id, comment_id, direction, support_address) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (workspace_id, message_id) DO NOTHING`,
      [workspaceId, message.messageId, message.ticketId, message.commentId, message.direction, message.supportAddress],
    );
  }

  /** A ticket's thread, oldest first (empty when the ticket did not come by email). */
  async thread(manager: EntityManager, workspaceId: string, ticketId: string): Promise<ThreadMessage[]> {
    return manager.query(
      `SELECT message_id AS "messageId", ticket_id AS "ticketId", comment_id AS "commentId", direction, support_address AS "supportAddress"
       FROM crm.ticket_email_messages WHERE workspace_id = $1 AND ticket_id = $2 ORDER BY created_at, message_id`,
      [workspaceId, ticketId],
    );
  }

  /** The contact of a ticket, for a reply by email. */
  async contactOf(manager: EntityManager, workspaceId: string, contactId: string): Promise<{ email: string | null; name: string | null } | null> {
    const rows: Array<{ email: string | null; name: string | null }> = await manager.query(
      `SELECT email, nullif(concat_ws(' ', first_name, last_name), '') AS name FROM crm.contacts WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL`,
      [workspaceId, contactId],
    );
    return rows[0] ?? null;
  }
}
