import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ReportFreshness } from '@kinship/contracts/reporting';
import { ServiceMetrics, type Logger } from '@kinship/observability';
import { LOGGER, REDIS, SERVICE_INFO, type ServiceInfo } from '@kinship/platform';
import type { Redis } from 'ioredis';
import { Counter } from 'prom-client';
import type { ProjectionName } from '../projections/projection.js';
import { FreshnessService, type AppliedPosition } from '../reports/freshness.service.js';

/** An entry outlives its key's position only by this much; a newer event makes a new key at once. */
const ENTRY_TTL_SECONDS = 3600;

/**
 * Report answers cached in Redis under the stream positions of the projections they read: a
 * repeated query is served from Redis until one of those projections applies a new event, which
 * changes the key. Freshness (asOf, lagMs) is worked out at answer time, never cached.
 */
@Injectable()
export class ReportCache {
  private readonly lookups: Counter<'result'>;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SERVICE_INFO) private readonly info: ServiceInfo,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly freshness: FreshnessService,
    metrics: ServiceMetrics,
  ) {
    this.lookups = new Counter({
      name: 'kinship_report_cache_total',
      help: 'Standard report answers by cache result: hit (served from Redis), miss (computed and stored) or unavailable (Redis failed; computed).',
      labelNames: ['result'],
      registers: [metrics.registry],
    });
  }

  /**
   * The answer of `report` for `scope` (the workspace and every parameter the answer depends on,
   * the caller's owner scope included): from the cache, or computed and stored. One read of the
   * positions serves the key and the freshness; the cache and the consumers' backlogs are asked
   * at the same time.
   */
  async answer<T extends object>(
    report: string,
    workspaceId: string,
    scope: object,
    projections: ProjectionName[],
    compute: () => Promise<T>,
  ): Promise<T & ReportFreshness> {
    // Positions are read before the report is computed, so an entry never holds older data than its key says.
    const positions = await this.freshness.positions(projections);
    const [data, freshness] = await Promise.all([
      this.cached(this.key(report, workspaceId, scope, projections, positions), compute),
      this.freshness.from(projections, positions),
    ]);
    return { ...data, ...freshness };
  }

  private async cached<T>(key: string, compute: () => Promise<T>): Promise<T> {
    let stored: string | null;
    try {
      stored = await this.redis.get(key);
    } catch (error) {
      this.logger.warn({ err: error }, 'report cache unavailable; computing the report');
      this.lookups.inc({ result: 'unavailable' });
      return compute();
    }
    if (stored !== null) {
      this.lookups.inc({ result: 'hit' });
      return JSON.parse(stored) as T;
    }
    this.lookups.inc({ result: 'miss' });
    const data = await compute();
    await this.redis
      .set(key, JSON.stringify(data), 'EX', ENTRY_TTL_SECONDS)
      .catch((error: unknown) => this.logger.warn({ err: error }, 'report cache not stored'));
    return data;
  }

  private key(report: string, workspaceId: string, scope: object, projections: ProjectionName[], applied: AppliedPosition[]): string {
    const positions = new Map(applied.map((row) => [row.projection, row.streamSequence]));
    const position = projections.map((projection) => `${projection}=${positions.get(projection) ?? 0}`).join(',');
    const parameters = createHash('sha256').update(JSON.stringify(scope)).digest('base64url');
    return `${this.info.namespace}kinship:reporting:report:${workspaceId}:${report}:${parameters}:${position}`;
  }
}
