import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainEvents, type EventOf } from '@kinship/platform';
import type { DataSource, EntityManager } from 'typeorm';

const SLUG_MAX = 40;

/** A workspace name as the slug of its support address: lower-case ASCII letters, digits and dashes. */
export function slugOf(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, SLUG_MAX)
    .replace(/^-+|-+$/g, '');
  return slug || 'workspace';
}

/**
 * The support address of each workspace, support+<slug>@INBOUND_DOMAIN: a slug is given when auth
 * tells of a new workspace (workspace.created, from the start of the stream), made from its name,
 * with -2, -3, … when another workspace holds it already. It never changes afterwards.
 */
@Injectable()
export class InboundMailboxes implements OnModuleInit {
  /** Slugs found so far: a slug never moves to another workspace, so a hit stays true (a miss is asked again). */
  private readonly known = new Map<string, string>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
  ) {}

  onModuleInit(): void {
    this.events.subscribe('workspace.created', { durableName: 'notifications-inbound-mailboxes', startFrom: 'all' }, (event, manager) =>
      this.assign(manager, event),
    );
  }

  /** The workspace whose support address has this slug, or null. */
  async workspaceOf(slug: string): Promise<string | null> {
    const cached = this.known.get(slug);
    if (cached) return cached;
    const rows: Array<{ workspaceId: string }> = await this.dataSource.query(
      'SELECT workspace_id AS "workspaceId" FROM notifications.inbound_mailboxes WHERE slug = $1',
      [slug],
    );
    const workspaceId = rows[0]?.workspaceId ?? null;
    if (workspaceId) this.known.set(slug, workspaceId);
    return workspaceId;
  }

  private async assign(manager: EntityManager, event: EventOf<'workspace.created'>): Promise<void> {
    const workspaceId = event.data.workspaceId;
    const base = slugOf(event.data.name ?? '');
    for (let attempt = 1; ; attempt++) {
      const slug = attempt === 1 ? base : `${base.slice(0, SLUG_MAX - String(attempt).length - 1)}-${attempt}`;
      // Either unique key may stop the insert: the workspace has its slug already (a redelivery), or another holds this one.
      const inserted: unknown[] = await manager.query(
        'INSERT INTO notifications.inbound_mailboxes (workspace_id, slug) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING slug',
        [workspaceId, slug],
      );
      if (inserted.length > 0) return;
      const existing: unknown[] = await manager.query('SELECT 1 FROM notifications.inbound_mailboxes WHERE workspace_id = $1', [workspaceId]);
      if (existing.length > 0) return;
    }
  }
}
