import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { eventStreamName } from '@kinship/messaging';
import { NATS_CONNECTION, SERVICE_INFO, type ServiceInfo } from '@kinship/platform';
import type { ReportFreshness } from '@kinship/contracts/reporting';
import type { DataSource } from 'typeorm';
import { consumerName, type ProjectionName } from '../projections/projection.js';

/** How far a projection has applied the events stream: the position it recorded. */
export interface AppliedPosition {
  projection: ProjectionName;
  streamSequence: string;
  lastOccurredAt: Date;
}

/**
 * How long a projection's backlog, as JetStream last said it, answers for it while its position has
 * not moved: a consumer's info is a request to JetStream's API (the slowest part of a cached answer
 * on a busy server), and a cached report needs only to know whether anything is pending.
 */
const BACKLOG_REUSE_MS = 500;

/** A projection's backlog as asked of JetStream (shared by the requests that want it meanwhile), at the position it had then. */
interface AskedBacklog {
  position: string | undefined;
  askedAt: number;
  backlog: Promise<number>;
}

/** How fresh a report is, from the positions the projections recorded and their consumers' backlog. */
@Injectable()
export class FreshnessService {
  private manager: Promise<JetStreamManager> | undefined;
  private readonly backlogs = new Map<ProjectionName, AskedBacklog>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(SERVICE_INFO) private readonly info: ServiceInfo,
  ) {}

  /** The positions the projections recorded (none for one that has applied nothing yet). */
  positions(projections: ProjectionName[]): Promise<AppliedPosition[]> {
    return this.dataSource.query(
      `SELECT projection, stream_sequence::text AS "streamSequence", last_occurred_at AS "lastOccurredAt" FROM reporting.projection_positions
       WHERE projection = ANY($1::text[])`,
      [projections],
    );
  }

  async of(projections: ProjectionName[]): Promise<ReportFreshness> {
    return this.from(projections, await this.positions(projections));
  }

  /**
   * asOf: when the newest event the projections applied happened. lagMs: 0 when their consumers
   * have nothing pending; else how long ago the lagging one's last applied event happened (null
   * if it applied none yet). The consumers' backlogs are asked of JetStream all at once, or taken
   * from an answer under BACKLOG_REUSE_MS old given at the same position: so a backlog that appears
   * while a projection stands still shows in lagMs up to that much later.
   */
  async from(projections: ProjectionName[], positions: AppliedPosition[]): Promise<ReportFreshness> {
    const applied = new Map(positions.map((row) => [row.projection, row.lastOccurredAt.getTime()]));
    const asOf = positions.length ? new Date(Math.max(...applied.values())).toISOString() : null;
    const now = Date.now();
    const at = new Map(positions.map((row) => [row.projection, row.streamSequence]));
    const backlogs = await Promise.all(projections.map((projection) => this.backlog(projection, at.get(projection))));
    let lagMs = 0;
    for (const [index, projection] of projections.entries()) {
      if (backlogs[index] === 0) continue;
      const last = applied.get(projection);
      if (last === undefined) return { asOf, lagMs: null };
      lagMs = Math.max(lagMs, now - last);
    }
    return { asOf, lagMs };
  }

  /** The projection's backlog at `position`: asked of JetStream, unless asked at that position less than BACKLOG_REUSE_MS ago. */
  private backlog(projection: ProjectionName, position: string | undefined): Promise<number> {
    const known = this.backlogs.get(projection);
    const now = performance.now();
    if (known && known.position === position && now - known.askedAt < BACKLOG_REUSE_MS) return known.backlog;
    const asked: AskedBacklog = { position, askedAt: now, backlog: this.pending(projection) };
    this.backlogs.set(projection, asked);
    // A failed ask is not reused.
    asked.backlog.catch(() => {
      if (this.backlogs.get(projection) === asked) this.backlogs.delete(projection);
    });
    return asked.backlog;
  }

  /** Events of the projection's subjects not yet delivered, plus those delivered and not yet acknowledged. */
  private async pending(projection: ProjectionName): Promise<number> {
    this.manager ??= jetstreamManager(this.nats);
    const info = await (await this.manager).consumers.info(eventStreamName(this.info.namespace), consumerName(projection));
    return info.num_pending + info.num_ack_pending;
  }
}
