import { Injectable } from '@nestjs/common';
import type {
  CommentAuthor,
  Ticket,
  TicketChannel,
  TicketComment,
  TicketCommentAttachment,
  TicketPriority,
  TicketStatus,
  TicketType,
} from '@kinship/contracts/crm';
import { isUuid, updateReturning } from '@kinship/persistence';
import type { EntityManager } from 'typeorm';
import { CursorCodec, isPostgresTimestamp } from '../common/cursors.js';
import { listPage, type ListDefinition, type ListRequest, type Page } from '../common/list-query.js';
import { SLA_METRICS, slaDueSql, ticketPriorityRankSql } from './1765120000000-tickets.js';
import { isBreached, type SlaMetric } from './sla-clock.js';

/** A ticket as stored, with its SLA bookkeeping. */
export interface TicketRecord {
  id: string;
  number: number;
  subject: string;
  description: string | null;
  status: TicketStatus;
  priority: TicketPriority;
  priorityReason: string | null;
  type: TicketType | null;
  channel: TicketChannel;
  contactId: string | null;
  companyId: string | null;
  assigneeId: string | null;
  tags: string[];
  customFields: Record<string, unknown>;
  firstRespondedAt: Date | null;
  firstResponseDueAt: Date | null;
  nextResponseDueAt: Date | null;
  resolutionDueAt: Date | null;
  pausedAt: Date | null;
  pausedSeconds: number;
  resolvedAt: Date | null;
  slaWarned: SlaMetric[];
  slaBreached: SlaMetric[];
  mergedIntoId: string | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

/** The columns a create or an update writes (createdAt only on insert; the SLA clock reads it). */
export type TicketValues = Omit<TicketRecord, 'id' | 'number' | 'mergedIntoId' | 'createdBy' | 'updatedAt' | 'deletedAt'>;

const COLUMNS = `r.id, r.number::integer AS number, r.subject, r.description, r.status, r.priority, r.priority_reason AS "priorityReason", r.type, r.channel,
  r.contact_id AS "contactId", r.company_id AS "companyId", r.assignee_id AS "assigneeId", r.tags, r.custom_fields AS "customFields",
  r.first_responded_at AS "firstRespondedAt", r.first_response_due_at AS "firstResponseDueAt", r.next_response_due_at AS "nextResponseDueAt",
  r.resolution_due_at AS "resolutionDueAt", r.paused_at AS "pausedAt", r.paused_seconds::integer AS "pausedSeconds", r.resolved_at AS "resolvedAt",
  r.sla_warned AS "slaWarned", r.sla_breached AS "slaBreached", r.merged_into_id AS "mergedIntoId", r.created_by AS "createdBy",
  r.created_at AS "createdAt", r.updated_at AS "updatedAt", r.deleted_at AS "deletedAt"`;

/** Order of the values of TicketValues in INSERT and UPDATE statements. */
const VALUE_COLUMNS = [
  'subject',
  'description',
  'status',
  'priority',
  'priority_reason',
  'type',
  'channel',
  'contact_id',
  'company_id',
  'assignee_id',
  'tags',
  'custom_fields',
  'first_responded_at',
  'first_response_due_at',
  'next_response_due_at',
  'resolution_due_at',
  'paused_at',
  'paused_seconds',
  'resolved_at',
  'sla_warned',
  'sla_breached',
] as const;

/** `breached` of a list filter: the clock's deadlines against now, or a breach already told. */
const BREACHED_SQL = `(cardinality(r.sla_breached) > 0
  OR coalesce(r.first_responded_at, now()) > r.first_response_due_at
  OR now() > r.next_response_due_at
  OR coalesce(r.resolved_at, now()) > r.resolution_due_at)`;

/**
 * Filters and sorts of GET /tickets. `priority` filters and sorts by its rank (low < normal <
 * high < urgent), so `-priority` puts urgent first; the service turns priority names into ranks.
 */
export const TICKET_LIST: ListDefinition = {
  table: 'crm.tickets',
  fields: {
    status: { sql: 'r.status', kind: 'enum' },
    priority: { sql: ticketPriorityRankSql('r.priority'), kind: 'integer', sortable: true },
    type: { sql: 'r.type', kind: 'enum' },
    channel: { sql: 'r.channel', kind: 'enum' },
    assigneeId: { sql: 'r.assignee_id', kind: 'uuid' },
    contactId: { sql: 'r.contact_id', kind: 'uuid' },
    companyId: { sql: 'r.company_id', kind: 'uuid' },
    tags: { sql: 'r.tags', kind: 'tags' },
    breached: { sql: `coalesce(${BREACHED_SQL}, false)`, kind: 'boolean' },
    createdAt: { sql: 'r.created_at', kind: 'timestamp', sortable: true },
    updatedAt: { sql: 'r.updated_at', kind: 'timestamp', sortable: true },
  },
  defaultSort: '-createdAt',
  search: { vector: `to_tsvector('simple', r.subject)`, text: 'lower(r.subject)' },
};

export const PRIORITY_RANK: Record<TicketPriority, number> = { low: 0, normal: 1, high: 2, urgent: 3 };

function iso(value: Date | null): string | null {
  return value ? value.toISOString() : null;
}

/** The ticket on the wire, its SLA state as of `now`. */
export function toTicket(record: TicketRecord, now: Date = new Date()): Ticket {
  return {
    id: record.id,
    number: record.number,
    subject: record.subject,
    description: record.description,
    status: record.status,
    priority: record.priority,
    priorityReason: record.priorityReason,
    type: record.type,
    channel: record.channel,
    contactId: record.contactId,
    companyId: record.companyId,
    assigneeId: record.assigneeId,
    tags: record.tags,
    customFields: record.customFields,
    firstRespondedAt: iso(record.firstRespondedAt),
    firstResponseDueAt: iso(record.firstResponseDueAt),
    nextResponseDueAt: iso(record.nextResponseDueAt),
    resolutionDueAt: iso(record.resolutionDueAt),
    breached: isBreached(record, now),
    resolvedAt: iso(record.resolvedAt),
    mergedIntoId: record.mergedIntoId,
    createdBy: record.createdBy,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
    deletedAt: iso(record.deletedAt),
  };
}

interface CommentRow {
  id: string;
  ticketId: string;
  body: string;
  internal: boolean;
  author: CommentAuthor;
  authorId: string | null;
  attachments: TicketCommentAttachment[];
  createdAt: Date;
}

const COMMENT_COLUMNS = `c.id, c.ticket_id AS "ticketId", c.body, c.internal, c.author, c.author_id AS "authorId", c.attachments, c.created_at AS "createdAt"`;

function toComment(row: CommentRow): TicketComment {
  // Comments written before files were kept name no file and no refusal.
  const attachments = row.attachments.map((attachment) => ({ ...attachment, fileId: attachment.fileId ?? null, refused: attachment.refused ?? null }));
  return { ...row, attachments, createdAt: row.createdAt.toISOString() };
}

@Injectable()
export class TicketsRepository {
  constructor(private readonly cursors: CursorCodec) {}

  async insert(manager: EntityManager, workspaceId: string, id: string, values: TicketValues, createdBy: string | null): Promise<TicketRecord> {
    const placeholders = VALUE_COLUMNS.map((_column, index) => `$${index + 5}`).join(', ');
    const rows: TicketRecord[] = await manager.query(
      `INSERT INTO crm.tickets AS r (id, workspace_id, created_by, created_at, ${VALUE_COLUMNS.join(', ')}) VALUES ($1, $2, $3, $4, ${placeholders}) RETURNING ${COLUMNS}`,
      [id, workspaceId, createdBy, values.createdAt, ...this.parameters(values)],
    );
    return rows[0]!;
  }

  /** The ticket, live or deleted, locked for an update when `forUpdate`. */
  async find(manager: EntityManager, workspaceId: string, id: string, forUpdate = false): Promise<TicketRecord | null> {
    const rows: TicketRecord[] = await manager.query(
      `SELECT ${COLUMNS} FROM crm.tickets r WHERE r.workspace_id = $1 AND r.id = $2 ${forUpdate ? 'FOR UPDATE' : ''}`,
      [workspaceId, id],
    );
    return rows[0] ?? null;
  }

  async update(manager: EntityManager, workspaceId: string, id: string, values: TicketValues): Promise<TicketRecord> {
    const assignments = VALUE_COLUMNS.map((column, index) => `${column} = $${index + 3}`).join(', ');
    const rows = await updateReturning<TicketRecord>(
      manager,
      `UPDATE crm.tickets r SET ${assignments}, updated_at = now() WHERE r.workspace_id = $1 AND r.id = $2 RETURNING ${COLUMNS}`,
      [workspaceId, id, ...this.parameters(values)],
    );
    return rows[0]!;
  }

  async setDeleted(manager: EntityManager, workspaceId: string, id: string, deleted: boolean): Promise<TicketRecord> {
    const rows = await updateReturning<TicketRecord>(
      manager,
      `UPDATE crm.tickets r SET deleted_at = ${deleted ? 'now()' : 'NULL'}, updated_at = now() WHERE r.workspace_id = $1 AND r.id = $2 RETURNING ${COLUMNS}`,
      [workspaceId, id],
    );
    return rows[0]!;
  }

  /** Closes and deletes the duplicate, naming the ticket it went into, and moves its comments and email thread there. */
  async mergeInto(manager: EntityManager, workspaceId: string, survivorId: string, duplicateId: string): Promise<void> {
    await manager.query(`UPDATE crm.ticket_comments SET ticket_id = $3 WHERE workspace_id = $1 AND ticket_id = $2`, [workspaceId, duplicateId, survivorId]);
    await manager.query(`UPDATE crm.ticket_email_messages SET ticket_id = $3 WHERE workspace_id = $1 AND ticket_id = $2`, [
      workspaceId,
      duplicateId,
      survivorId,
    ]);
    await manager.query(
      `UPDATE crm.tickets SET merged_into_id = $3, status = 'closed', resolved_at = coalesce(resolved_at, now()), deleted_at = now(), updated_at = now()
       WHERE workspace_id = $1 AND id = $2`,
      [workspaceId, duplicateId, survivorId],
    );
  }

  async list(manager: EntityManager, workspaceId: string, request: ListRequest): Promise<Page<TicketRecord>> {
    return listPage<TicketRecord>(this.cursors, manager, workspaceId, TICKET_LIST, request, COLUMNS);
  }

  async insertComment(manager: EntityManager, workspaceId: string, comment: CommentRow): Promise<TicketComment> {
    const rows: CommentRow[] = await manager.query(
      `INSERT INTO crm.ticket_comments AS c (id, workspace_id, ticket_id, body, internal, author, author_id, attachments, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COMMENT_COLUMNS}`,
      [
        comment.id,
        workspaceId,
        comment.ticketId,
        comment.body,
        comment.internal,
        comment.author,
        comment.authorId,
        JSON.stringify(comment.attachments),
        comment.createdAt,
      ],
    );
    return toComment(rows[0]!);
  }

  /** A page of a ticket's comments, oldest first: keyset pagination on (created_at, id). */
  async comments(manager: EntityManager, workspaceId: string, ticketId: string, limit: number, cursor: string | undefined): Promise<Page<TicketComment>> {
    const list = `ticket-comments:${workspaceId}:${ticketId}`;
    const parameters: unknown[] = [workspaceId, ticketId, limit + 1];
    let after = '';
    if (cursor) {
      const position = this.cursors.decode<{ t: string; i: string }>(list, cursor, ({ t, i }) => isPostgresTimestamp(t) && isUuid(i));
      parameters.push(position.t, position.i);
      after = 'AND (c.created_at, c.id) > ($4::timestamptz, $5::uuid)';
    }
    const rows: Array<CommentRow & { position: string }> = await manager.query(
      `SELECT ${COMMENT_COLUMNS}, c.created_at::text AS position FROM crm.ticket_comments c
       WHERE c.workspace_id = $1 AND c.ticket_id = $2 ${after} ORDER BY c.created_at, c.id LIMIT $3`,
      parameters,
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      rows: page.map(({ position: _position, ...row }) => toComment(row)),
      nextCursor: rows.length > limit && last ? this.cursors.encode(list, { t: last.position, i: last.id }) : null,
    };
  }

  /** Open tickets (new, open, pending) each of these users holds. */
  async openCounts(manager: EntityManager, workspaceId: string, userIds: string[]): Promise<Map<string, number>> {
    const rows: Array<{ assigneeId: string; count: number }> = await manager.query(
      `SELECT assignee_id AS "assigneeId", count(*)::integer AS count FROM crm.tickets
       WHERE workspace_id = $1 AND assignee_id = ANY($2::uuid[]) AND status IN ('new', 'open', 'pending') AND deleted_at IS NULL
       GROUP BY assignee_id`,
      [workspaceId, userIds],
    );
    return new Map(rows.map((row) => [row.assigneeId, row.count]));
  }

  /** Live tickets not yet escalated whose customer is this contact or company, or a contact of this company; locked. */
  async ofCustomer(manager: EntityManager, workspaceId: string, contactId: string | null, companyId: string | null): Promise<TicketRecord[]> {
    return manager.query(
      `SELECT ${COLUMNS} FROM crm.tickets r
       WHERE r.workspace_id = $1 AND r.deleted_at IS NULL AND r.status IN ('new', 'open', 'pending') AND r.priority_reason IS NULL
         AND (r.contact_id = $2 OR r.company_id = $3
              OR r.contact_id IN (SELECT c.id FROM crm.contacts c WHERE c.workspace_id = $1 AND c.company_id = $3))
       ORDER BY r.id FOR UPDATE`,
      [workspaceId, contactId, companyId],
    );
  }

  /**
   * Tickets whose running clock has a warning or a breach not yet told, as of `now`; locked, and
   * skipped when another check holds them. The deadline indexes find those inside the window.
   */
  async slaAttention(manager: EntityManager, workspaceId: string, now: Date, warningMinutes: number, limit: number): Promise<TicketRecord[]> {
    const horizon = new Date(now.getTime() + warningMinutes * 60_000);
    const due = SLA_METRICS.map((metric) => `${slaDueSql('d', metric, '$3')} AND d.workspace_id = $1`).join(' UNION ALL ');
    return manager.query(
      `SELECT ${COLUMNS} FROM crm.tickets r
       WHERE r.workspace_id = $1 AND r.deleted_at IS NULL AND r.status IN ('new', 'open')
         AND r.id IN (SELECT due.id FROM (${due}) due WHERE due.due_at < $2 OR NOT (due.metric = ANY(due.warned)))
       ORDER BY r.id LIMIT $4 FOR UPDATE SKIP LOCKED`,
      [workspaceId, now, horizon, limit],
    );
  }

  /** Records what was told of these tickets, in one statement. */
  async markTold(manager: EntityManager, workspaceId: string, told: Array<{ id: string; warned: SlaMetric[]; breached: SlaMetric[] }>): Promise<void> {
    if (told.length === 0) return;
    await manager.query(
      `UPDATE crm.tickets t SET sla_warned = ARRAY(SELECT jsonb_array_elements_text(v->'warned')), sla_breached = ARRAY(SELECT jsonb_array_elements_text(v->'breached'))
       FROM jsonb_array_elements($2::jsonb) v WHERE t.workspace_id = $1 AND t.id = (v->>'id')::uuid`,
      [workspaceId, JSON.stringify(told)],
    );
  }

  private parameters(values: TicketValues): unknown[] {
    return [
      values.subject,
      values.description,
      values.status,
      values.priority,
      values.priorityReason,
      values.type,
      values.channel,
      values.contactId,
      values.companyId,
      values.assigneeId,
      values.tags,
      JSON.stringify(values.customFields),
      values.firstRespondedAt,
      values.firstResponseDueAt,
      values.nextResponseDueAt,
      values.resolutionDueAt,
      values.pausedAt,
      values.pausedSeconds,
      values.resolvedAt,
      values.slaWarned,
      values.slaBreached,
    ];
  }
}
