import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RelatedRecord, RelatedType } from '@kinship/contracts/crm';
import { relatedTable } from '../common/related-records.js';

/** One happening on a record's timeline. */
export interface TimelineEntry {
  /** The id of the row it comes from (note, task, stage change, timeline entry); with `kind` it is unique. */
  id: string;
  /** note, task_created, task_completed, deal_stage_changed, ticket_created, ticket_resolved, file_attached, or a stored kind (email_sent, invoice_sent, invoice_paid, payment_received, contact_merged, record_created, record_updated, …). */
  kind: string;
  occurredAt: string;
  actorId: string | null;
  /** The record the entry is about: the timeline's own record, or a deal of it for stage changes. */
  subject: RelatedRecord;
  data: Record<string, unknown>;
}

interface EntryRow {
  id: string;
  kind: string;
  occurredAt: Date;
  /** occurred_at as PostgreSQL prints it, for the cursor (no precision lost). */
  occurredAtKey: string;
  actorId: string | null;
  subjectType: RelatedType;
  subjectId: string;
  data: Record<string, unknown>;
}

/** Where a page starts: after the entry with this (occurredAt, id, kind), newest first. */
export interface TimelinePosition {
  occurredAt: string;
  id: string;
  kind: string;
}

/** Records of other kinds whose entries a timeline shows (beside crm.timeline_entries, always read): notes, tasks, deals' stage changes, tickets, files attached. */
export const TIMELINE_SOURCES = ['notes', 'tasks', 'stageChanges', 'tickets', 'files'] as const;
export type TimelineSource = (typeof TIMELINE_SOURCES)[number];

/** Deals whose stage changes show on a record's timeline: the deal itself, a contact's deals, a company's deals. */
const DEALS_OF: Record<RelatedType, string> = {
  deal: `SELECT $3::uuid`,
  contact: `SELECT dc.deal_id FROM crm.deal_contacts dc WHERE dc.workspace_id = $1 AND dc.contact_id = $3`,
  company: `SELECT d.id FROM crm.deals d WHERE d.workspace_id = $1 AND d.company_id = $3`,
  record: `SELECT NULL::uuid WHERE false`,
};

/** A row of a source, written so each has the same columns. */
const ENTRY = (id: string, kind: string, occurredAt: string, actor: string, subjectType: string, subjectId: string, data: string) =>
  `${id} AS id, ${kind}::text AS kind, ${occurredAt} AS occurred_at, ${actor} AS actor_id, ${subjectType}::text AS subject_type, ${subjectId} AS subject_id, ${data} AS data`;

/** The tickets of a contact or a company (a deal has none). */
const TICKETS_OF: Record<RelatedType, string> = { contact: 't.contact_id = $3', company: 't.company_id = $3', deal: 'false', record: 'false' };

const TICKET_DATA = `jsonb_build_object('ticketId', t.id, 'subject', t.subject, 'status', t.status, 'priority', t.priority, 'assigneeId', t.assignee_id)`;

const TASK_DATA = `jsonb_build_object('taskId', t.id, 'title', t.title, 'status', t.status, 'priority', t.priority, 'dueAt', t.due_at, 'assigneeId', t.assignee_id)`;

@Injectable()
export class TimelineRepository {
  /** Whether the record exists in the workspace (live or deleted: a deleted record's page still shows its history). */
  async subjectExists(manager: EntityManager, workspaceId: string, subject: RelatedRecord): Promise<boolean> {
    const rows: unknown[] = await manager.query(`SELECT 1 FROM ${relatedTable(subject.type)} WHERE workspace_id = $1 AND id = $2`, [workspaceId, subject.id]);
    return rows.length > 0;
  }

  /**
   * One page of a record's timeline, newest first: its notes, its tasks (created, and completed
   * when they were), the stage changes of its deals and what timeline_entries holds for it
   * (emails sent, invoices, merges). Each source reads only the rows after the cursor, newest
   * first, through its index, and at most `limit` of them; the union is cut to `limit`. Of notes,
   * tasks and stage changes, only the `sources` given are read (those the caller may see).
   */
  async page(
    manager: EntityManager,
    workspaceId: string,
    subject: RelatedRecord,
    sources: readonly TimelineSource[],
    after: TimelinePosition | null,
    limit: number,
  ): Promise<Array<{ entry: TimelineEntry; position: TimelinePosition }>> {
    const parameters: unknown[] = [workspaceId, subject.type, subject.id, limit];
    let before = () => 'true';
    if (after) {
      parameters.push(after.occurredAt, after.id, after.kind);
      before = () => `(occurred_at, id, kind) < ($5::timestamptz, $6::uuid, $7::text)`;
    }
    const source = (select: string, from: string) =>
      `(SELECT * FROM (SELECT ${select} FROM ${from}) s WHERE ${before()} ORDER BY occurred_at DESC, id DESC, kind DESC LIMIT $4)`;
    const selects: Record<TimelineSource, string[]> = {
      notes: [
        source(
          ENTRY('n.id', `'note'`, 'n.created_at', 'n.author_id', 'n.related_type', 'n.related_id', `jsonb_build_object('noteId', n.id, 'body', n.body)`),
          `crm.notes n WHERE n.workspace_id = $1 AND n.related_type = $2 AND n.related_id = $3 AND n.deleted_at IS NULL`,
        ),
      ],
      tasks: [
        source(
          ENTRY('t.id', `'task_created'`, 't.created_at', 't.created_by', 't.related_type', 't.related_id', TASK_DATA),
          `crm.tasks t WHERE t.workspace_id = $1 AND t.related_type = $2 AND t.related_id = $3 AND t.deleted_at IS NULL`,
        ),
        source(
          ENTRY('t.id', `'task_completed'`, 't.completed_at', 'NULL::uuid', 't.related_type', 't.related_id', TASK_DATA),
          `crm.tasks t WHERE t.workspace_id = $1 AND t.related_type = $2 AND t.related_id = $3 AND t.deleted_at IS NULL AND t.completed_at IS NOT NULL`,
        ),
      ],
      stageChanges: [
        source(
          ENTRY(
            'c.id',
            `'deal_stage_changed'`,
            'c.changed_at',
            'c.changed_by',
            `'deal'`,
            'c.deal_id',
            `jsonb_build_object('dealId', d.id, 'dealName', d.name, 'fromStageId', c.from_stage_id, 'fromStageName', fs.name,
               'toStageId', c.to_stage_id, 'toStageName', ts.name, 'toStageKind', ts.kind, 'lostReason', c.lost_reason)`,
          ),
          `crm.deal_stage_changes c
           JOIN crm.deals d ON d.workspace_id = c.workspace_id AND d.id = c.deal_id
           LEFT JOIN crm.pipeline_stages fs ON fs.workspace_id = c.workspace_id AND fs.id = c.from_stage_id
           LEFT JOIN crm.pipeline_stages ts ON ts.workspace_id = c.workspace_id AND ts.id = c.to_stage_id
           WHERE c.workspace_id = $1 AND c.deal_id IN (${DEALS_OF[subject.type]}) AND (d.deleted_at IS NULL OR d.id = $3)`,
        ),
      ],
      tickets: [
        source(
          ENTRY('t.id', `'ticket_created'`, 't.created_at', 't.created_by', '$2', '$3::uuid', TICKET_DATA),
          `crm.tickets t WHERE t.workspace_id = $1 AND ${TICKETS_OF[subject.type]} AND t.deleted_at IS NULL`,
        ),
        source(
          ENTRY('t.id', `'ticket_resolved'`, 't.resolved_at', 'NULL::uuid', '$2', '$3::uuid', TICKET_DATA),
          `crm.tickets t WHERE t.workspace_id = $1 AND ${TICKETS_OF[subject.type]} AND t.deleted_at IS NULL AND t.resolved_at IS NOT NULL`,
        ),
      ],
      files: [
        source(
          ENTRY(
            'a.file_id',
            `'file_attached'`,
            'a.attached_at',
            'a.attached_by',
            'a.record_type',
            'a.record_id',
            `jsonb_build_object('fileId', f.id, 'name', f.name, 'contentType', f.content_type, 'size', f.size)`,
          ),
          `crm.file_attachments a JOIN crm.files f ON f.workspace_id = a.workspace_id AND f.id = a.file_id
           WHERE a.workspace_id = $1 AND a.record_type = $2 AND a.record_id = $3 AND f.deleted_at IS NULL`,
        ),
      ],
    };
    const stored = source(
      ENTRY('e.id', 'e.kind', 'e.occurred_at', 'e.actor_id', 'e.subject_type', 'e.subject_id', 'e.data'),
      `crm.timeline_entries e WHERE e.workspace_id = $1 AND e.subject_type = $2 AND e.subject_id = $3`,
    );
    const rows: EntryRow[] = await manager.query(
      `SELECT id, kind, occurred_at AS "occurredAt", occurred_at::text AS "occurredAtKey", actor_id AS "actorId",
         subject_type AS "subjectType", subject_id AS "subjectId", data
       FROM (${[...sources.flatMap((name) => selects[name]), stored].join(' UNION ALL ')}) entries
       ORDER BY occurred_at DESC, id DESC, kind DESC
       LIMIT $4`,
      parameters,
    );
    return rows.map((row) => ({
      entry: {
        id: row.id,
        kind: row.kind,
        occurredAt: row.occurredAt.toISOString(),
        actorId: row.actorId,
        subject: { type: row.subjectType, id: row.subjectId },
        data: row.data,
      },
      position: { occurredAt: row.occurredAtKey, id: row.id, kind: row.kind },
    }));
  }
}
