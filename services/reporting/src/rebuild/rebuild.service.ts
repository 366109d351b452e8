import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Rebuild } from '@kinship/contracts/reporting';
import { RpcError } from '@kinship/messaging';
import type { Logger } from '@kinship/observability';
import { newId, setWorkspace, withWorkspace } from '@kinship/persistence';
import { LOGGER, NATS_CONNECTION, SERVICE_INFO, type ServiceInfo } from '@kinship/platform';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { DomainEvent } from '@kinship/messaging';
import { PROJECTION_BATCH, ProjectionHandlers, type ProjectionName, type RegisteredProjection } from '../projections/projection.js';
import { lastSequence, replayStream, subjectMatches, type StreamEvent } from './stream-replay.js';

/** The read models a rebuild replaces; each gets a shadow copy (a temporary table of the rebuild's session). */
export const READ_MODEL_TABLES = [
  'pipelines',
  'stages',
  'deals',
  'deal_stage_history',
  'deal_pipeline_totals',
  'deal_forecast_totals',
  'deal_close_totals',
  'deal_stage_totals',
  'contacts',
  'contact_lifecycle_history',
  'contact_funnel_totals',
  'contact_acquisition_totals',
  'tasks',
  'companies',
  'notes',
  'emails_sent',
  'invoices',
  'payments',
  'credit_notes',
  'refunds',
  'object_records',
];
/**
 * The (projection, event) pairs the replay has taken, in the session: kept in memory they grew with
 * the stream (hundreds of MB at a million events); rolled back with the transaction that took them.
 */
const SEEN_TABLE = 'rebuild_seen_events';
const LIVE_TABLE = new RegExp(`\\breporting\\.(${READ_MODEL_TABLES.join('|')})\\b`, 'g');
/** Stream messages per shadow transaction, and between progress updates. */
const BATCH = 1_000;
/** A swap that deadlocks with a live consumer (each waits on the other's locks) is tried again this many times. */
const SWAP_ATTEMPTS = 5;
const DEADLOCK = '40P01';

const COLUMNS = `id, status, events_total::int AS "eventsTotal", events_read::int AS "eventsRead", events_applied::int AS "eventsApplied", error,
  started_at AS "startedAt", finished_at AS "finishedAt"`;

/**
 * Rebuilds a workspace's read models: replays the events stream through the projections' own
 * handlers into shadow tables, then, holding the projections' positions still, applies what the
 * live consumers applied meanwhile and swaps the workspace's rows in one transaction. Reports
 * answer from the live tables until that commit.
 */
@Injectable()
export class RebuildService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(SERVICE_INFO) private readonly info: ServiceInfo,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly handlers: ProjectionHandlers,
  ) {}

  async start(workspaceId: string, userId: string | null): Promise<Rebuild> {
    const id = newId();
    const eventsTotal = await lastSequence(this.nats, this.info.namespace);
    const [rebuild] = await withWorkspace(this.dataSource, workspaceId, (manager) =>
      manager.query(
        `INSERT INTO reporting.rebuilds (workspace_id, id, status, requested_by, events_total) VALUES ($1, $2, 'running', $3, $4)
         ON CONFLICT (workspace_id) WHERE status = 'running' DO NOTHING RETURNING ${COLUMNS}`,
        [workspaceId, id, userId, eventsTotal],
      ),
    );
    if (!rebuild) throw RpcError.conflict('A rebuild of this workspace is already running.');
    void this.run(workspaceId, id, eventsTotal);
    return rebuild as Rebuild;
  }

  async get(workspaceId: string, id: string): Promise<Rebuild> {
    const [rebuild] = await withWorkspace(this.dataSource, workspaceId, (manager) =>
      manager.query(`SELECT ${COLUMNS} FROM reporting.rebuilds WHERE workspace_id = $1 AND id = $2`, [workspaceId, id]),
    );
    if (!rebuild) throw RpcError.notFound('rebuild');
    return rebuild as Rebuild;
  }

  private async run(workspaceId: string, id: string, eventsTotal: number): Promise<void> {
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      await dropShadow(runner);
      for (const table of READ_MODEL_TABLES) await runner.query(`CREATE TEMP TABLE ${table} (LIKE reporting.${table} INCLUDING ALL)`);
      await runner.query(`CREATE TEMP TABLE ${SEEN_TABLE} (projection text NOT NULL, event_id text NOT NULL, PRIMARY KEY (projection, event_id))`);
      const replay = new ShadowReplay(runner, workspaceId, this.handlers);
      // Each projection up to the position it has applied now: the shadow never runs ahead of the live tables.
      const upTo = await positions(runner.manager);
      await runner.startTransaction();
      await replayStream(this.nats, this.info.namespace, 1, eventsTotal, async (message) => {
        await replay.apply(message, (projection) => message.sequence <= (upTo.get(projection) ?? 0));
        if (message.sequence % BATCH === 0) {
          await replay.flush();
          await runner.commitTransaction();
          await this.progress(workspaceId, id, message.sequence, replay.applied);
          await runner.startTransaction();
        }
      });
      await replay.flush();
      await runner.commitTransaction();
      await this.progress(workspaceId, id, eventsTotal, replay.applied);
      await this.swap(runner, replay, upTo, eventsTotal);
      await withWorkspace(this.dataSource, workspaceId, (manager) =>
        manager.query(`UPDATE reporting.rebuilds SET status = 'completed', events_applied = $3, finished_at = now() WHERE workspace_id = $1 AND id = $2`, [
          workspaceId,
          id,
          replay.applied,
        ]),
      );
    } catch (error) {
      this.logger.error({ err: error, rebuildId: id }, 'read model rebuild failed');
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      await withWorkspace(this.dataSource, workspaceId, (manager) =>
        manager.query(`UPDATE reporting.rebuilds SET status = 'failed', error = $3, finished_at = now() WHERE workspace_id = $1 AND id = $2`, [
          workspaceId,
          id,
          String(error),
        ]),
      ).catch((failure: unknown) => this.logger.error({ err: failure, rebuildId: id }, 'rebuild outcome not recorded'));
    } finally {
      // The connection goes back to the pool with its session: its temporary tables must not stay with it.
      await dropShadow(runner).catch((error: unknown) => this.logger.error({ err: error, rebuildId: id }, 'shadow tables not dropped'));
      await runner.release();
    }
  }

  /**
   * Locks the positions table, so no live consumer commits an event meanwhile (each records its
   * position in the event's transaction), applies the events the live consumers applied since
   * the replay's positions, and replaces the workspace's live rows with the shadow's.
   */
  private async swap(runner: QueryRunner, replay: ShadowReplay, replayed: Map<string, number>, replayedThrough: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const before = replay.applied;
      await runner.startTransaction();
      try {
        await setWorkspace(runner, replay.workspaceId);
        await runner.query('LOCK TABLE reporting.projection_positions IN SHARE ROW EXCLUSIVE MODE');
        const live = await positions(runner.manager);
        const through = Math.max(0, ...live.values());
        await replayStream(this.nats, this.info.namespace, replayedThrough + 1, through, (message) =>
          replay.apply(message, (projection) => message.sequence > (replayed.get(projection) ?? 0) && message.sequence <= (live.get(projection) ?? 0)),
        );
        await replay.flush();
        for (const table of READ_MODEL_TABLES) {
          const [{ columns }] = await runner.query(
            `SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) AS columns FROM information_schema.columns
             WHERE table_schema = 'reporting' AND table_name = $1 AND is_identity = 'NO'`,
            [table],
          );
          await runner.query(`DELETE FROM reporting.${table} WHERE workspace_id = $1`, [replay.workspaceId]);
          await runner.query(`INSERT INTO reporting.${table} (${columns}) SELECT ${columns} FROM pg_temp.${table}`);
        }
        await runner.commitTransaction();
        return;
      } catch (error) {
        await runner.rollbackTransaction();
        replay.reset(before);
        if ((error as { code?: string }).code !== DEADLOCK || attempt === SWAP_ATTEMPTS) throw error;
      }
    }
  }

  private async progress(workspaceId: string, id: string, read: number, applied: number): Promise<void> {
    await withWorkspace(this.dataSource, workspaceId, (manager) =>
      manager.query('UPDATE reporting.rebuilds SET events_read = $3, events_applied = $4 WHERE workspace_id = $1 AND id = $2', [
        workspaceId,
        id,
        read,
        applied,
      ]),
    );
  }
}

async function dropShadow(runner: QueryRunner): Promise<void> {
  await runner.query(`DROP TABLE IF EXISTS ${[...READ_MODEL_TABLES, SEEN_TABLE].map((table) => `pg_temp.${table}`).join(', ')}`);
}

/** The stream position each projection has applied. */
async function positions(manager: EntityManager): Promise<Map<string, number>> {
  const rows: Array<{ projection: string; sequence: number }> = await manager.query(
    'SELECT projection, stream_sequence::int AS sequence FROM reporting.projection_positions',
  );
  return new Map(rows.map((row) => [row.projection, row.sequence]));
}

/**
 * Applies a workspace's events to the shadow tables through the projections' handlers: their
 * statements name the live tables (reporting.deals), rewritten here to the session's temporary
 * copies (pg_temp.deals). Each event once per projection, as the live inbox does (the pairs
 * taken are recorded in the session's SEEN_TABLE as each run is flushed); an event a handler
 * refuses is skipped, as the live consumer dead-letters it. Set-wise as the live
 * consumers: each projection's events are gathered (apply) and handed over as one run (flush);
 * a run that fails is applied again an event at a time, a savepoint each, to skip the bad one.
 */
class ShadowReplay {
  applied = 0;
  private readonly shadow: EntityManager;
  /** Each projection's events gathered since the last flush, in stream order. */
  private pending = new Map<RegisteredProjection, DomainEvent[]>();

  constructor(
    private readonly runner: QueryRunner,
    readonly workspaceId: string,
    private readonly handlers: ProjectionHandlers,
  ) {
    // The handlers only ever call query(); nothing else of the manager is reached.
    this.shadow = { query: (sql: string, parameters?: unknown[]) => runner.query(sql.replace(LIVE_TABLE, 'pg_temp.$1'), parameters) } as EntityManager;
  }

  /** Back to what was applied before a transaction that rolled back (its SEEN_TABLE rows went with it). */
  reset(applied: number): void {
    this.pending = new Map();
    this.applied = applied;
  }

  async apply({ subject, event }: StreamEvent, included: (projection: ProjectionName) => boolean): Promise<void> {
    if (event.workspaceId !== this.workspaceId) return;
    for (const registered of this.handlers.all) {
      const { projection, subjects } = registered;
      if (!included(projection) || !subjects.some((filter) => subjectMatches(filter, subject))) continue;
      const gathered = this.pending.get(registered) ?? [];
      gathered.push(event);
      this.pending.set(registered, gathered);
      if (gathered.length >= PROJECTION_BATCH) await this.flushOne(registered, gathered);
    }
  }

  /** Applies every projection's gathered events; call before the transaction commits. */
  async flush(): Promise<void> {
    for (const [registered, events] of this.pending) await this.flushOne(registered, events);
  }

  private async flushOne(registered: RegisteredProjection, gathered: DomainEvent[]): Promise<void> {
    this.pending.delete(registered);
    if (gathered.length === 0) return;
    const taken: Array<{ id: string }> = await this.runner.query(
      `INSERT INTO pg_temp.${SEEN_TABLE} (projection, event_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING RETURNING event_id AS id`,
      [registered.projection, gathered.map((event) => event.id)],
    );
    const firstTime = new Set(taken.map((row) => row.id));
    // An event twice in the run counts once, at its first place.
    const events = gathered.filter((event) => firstTime.delete(event.id));
    if (events.length === 0) return;
    await this.runner.query('SAVEPOINT shadow_run');
    try {
      await registered.applyRun(events, this.shadow);
      await this.runner.query('RELEASE SAVEPOINT shadow_run');
      this.applied += events.length;
      return;
    } catch {
      await this.runner.query('ROLLBACK TO SAVEPOINT shadow_run');
    }
    for (const event of events) {
      await this.runner.query('SAVEPOINT shadow_event');
      try {
        await registered.apply(event, this.shadow);
        await this.runner.query('RELEASE SAVEPOINT shadow_event');
        this.applied++;
      } catch {
        await this.runner.query('ROLLBACK TO SAVEPOINT shadow_event');
      }
    }
  }
}
