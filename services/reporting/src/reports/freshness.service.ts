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

/** How fresh a report is, from the positions the projections recorded and their consumers' backlog. */
@Injectable()
export class FreshnessService {
  private manager: Promise<JetStreamManager> | undefined;

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
   * if it applied none yet). The consumers' backlogs are asked of JetStream all at once.
   */
  async from(projections: ProjectionName[], positions: AppliedPosition[]): Promise<ReportFreshness> {
    const applied = new Map(positions.map((row) => [row.projection, row.lastOccurredAt.getTime()]));
    const asOf = positions.length ? new Date(Math.max(...applied.values())).toISOString() : null;
    const now = Date.now();
    const backlogs = await Promise.all(projections.map((projection) => this.backlog(projection)));
    let lagMs = 0;
    for (const [index, projection] of projections.entries()) {
      if (backlogs[index] === 0) continue;
      const last = applied.get(projection);
      if (last === undefined) return { asOf, lagMs: null };
      lagMs = Math.max(lagMs, now - last);
    }
    return { asOf, lagMs };
  }

  /** Events of the projection's subjects not yet delivered, plus those delivered and not yet acknowledged. */
  private async backlog(projection: ProjectionName): Promise<number> {
    this.manager ??= jetstreamManager(this.nats);
    const info = await (await this.manager).consumers.info(eventStreamName(this.info.namespace), consumerName(projection));
    return info.num_pending + info.num_ack_pending;
  }
}
