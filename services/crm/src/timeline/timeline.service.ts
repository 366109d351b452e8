import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Permission } from '@kinship/contracts';
import { RpcError } from '@kinship/messaging';
import { isUuid, withWorkspace } from '@kinship/persistence';
import type { DataSource } from 'typeorm';
import type { InputOf } from '@kinship/contracts';
import type { ContactTimeline, RelatedRecord, RelatedType } from '@kinship/contracts/crm';
import { assertHolds, holds, type CrmCaller } from '../common/crm-caller.js';
import { CursorCodec, isPostgresTimestamp } from '../common/cursors.js';
import { DEFAULT_PAGE_SIZE } from '../common/list-query.js';
import { TimelineRepository, TIMELINE_SOURCES, type TimelineEntry, type TimelinePosition, type TimelineSource } from './timeline.repository.js';

export interface TimelinePage {
  data: TimelineEntry[];
  nextCursor: string | null;
}

const READ_PERMISSION: Record<RelatedType, Permission> = { contact: 'contacts:read', company: 'companies:read', deal: 'deals:read', record: 'records:read' };
const RESOURCE: Record<RelatedType, string> = { contact: 'Contact', company: 'Company', deal: 'Deal', record: 'Record' };

/** Where a timeline page starts: the position of the last entry of the page before. */
interface TimelineCursor {
  t: string;
  i: string;
  k: string;
}

function isTimelineCursor({ t, i, k }: Record<string, unknown>): boolean {
  return isPostgresTimestamp(t) && isUuid(i) && typeof k === 'string' && k.length <= 100;
}

/**
 * What reading each source's entries takes beyond the record's own read permission: a note's body,
 * a task's title, a deal's name and a ticket's subject are no more readable through a timeline than through their own
 * routes. Stored entries (emails sent to the record, its invoices and payments, merges) tell about
 * the record itself and need only its read permission.
 */
const SOURCE_PERMISSION: Record<TimelineSource, Permission> = {
  notes: 'notes:read',
  tasks: 'tasks:read',
  stageChanges: 'deals:read',
  tickets: 'tickets:read',
  files: 'files:read',
};

/**
 * The timelines of contacts, companies, deals and custom object records: who may read the record may read its timeline,
 * and of it the entries of the kinds they may read. Those they may not are left out by the query
 * itself, so pages stay full and the cursor works as before.
 */
@Injectable()
export class TimelineService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly timeline: TimelineRepository,
    private readonly cursors: CursorCodec,
  ) {}

  async page(caller: CrmCaller, input: InputOf<typeof ContactTimeline> & { subjectType: RelatedType }): Promise<TimelinePage> {
    assertHolds(caller, READ_PERMISSION[input.subjectType]);
    const notFound = RpcError.notFound(RESOURCE[input.subjectType]);
    if (!isUuid(input.id)) throw notFound;
    const subject: RelatedRecord = { type: input.subjectType, id: input.id };
    // A cursor pages through the timeline of the one record it was made for.
    const list = `timeline:${caller.workspaceId}:${subject.type}:${subject.id}`;
    const cursor = input.cursor ? this.cursors.decode<TimelineCursor>(list, input.cursor, isTimelineCursor) : null;
    const after: TimelinePosition | null = cursor && { occurredAt: cursor.t, id: cursor.i, kind: cursor.k };
    const limit = input.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await withWorkspace(this.dataSource, caller.workspaceId, async (manager) => {
      if (!(await this.timeline.subjectExists(manager, caller.workspaceId, subject))) throw notFound;
      return this.timeline.page(manager, caller.workspaceId, subject, this.readableSources(caller), after, limit + 1);
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      data: page.map((row) => row.entry),
      nextCursor:
        rows.length > limit && last
          ? this.cursors.encode(list, { t: last.position.occurredAt, i: last.position.id, k: last.position.kind } satisfies TimelineCursor)
          : null,
    };
  }

  private readableSources(caller: CrmCaller): TimelineSource[] {
    return TIMELINE_SOURCES.filter((source) => holds(caller, SOURCE_PERMISSION[source]));
  }
}
