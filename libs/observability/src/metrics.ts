import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * One registry per running service (not prom-client's global one), so several services
 * booted in one process, as the tests do, keep their figures apart.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  readonly rpcDuration: Histogram<'pattern' | 'outcome'>;
  readonly rpcClientDuration: Histogram<'pattern' | 'outcome'>;
  readonly outboxBacklog: Gauge<'service'>;
  readonly consumerLag: Gauge<'service' | 'consumer'>;
  readonly deadLetters: Counter<'service' | 'consumer'>;
  readonly queueJobs: Gauge<'queue' | 'state'>;
  readonly queueJobFailures: Counter<'queue'>;
  private readonly refreshers: Array<() => Promise<void>> = [];

  constructor(readonly service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    // prom-client names these three gauges *_total, which Prometheus reserves for counters and promtool rejects.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
      this.registry.removeSingleMetric(name);
    }
    const registers = [this.registry];
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Duration of HTTP requests served, by route template and status code.',
      labelNames: ['method', 'route', 'status_code'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.rpcDuration = new Histogram({
      name: 'rpc_request_duration_seconds',
      help: 'Duration of NATS requests this service answered, by pattern and outcome (ok or the error code).',
      labelNames: ['pattern', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.rpcClientDuration = new Histogram({
      name: 'rpc_client_duration_seconds',
      help: 'Duration of NATS requests this service sent, by pattern and outcome.',
      labelNames: ['pattern', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.outboxBacklog = new Gauge({
      name: 'kinship_outbox_backlog',
      help: 'Domain events committed to the outbox and not yet published to JetStream.',
      labelNames: ['service'],
      registers,
    });
    this.consumerLag = new Gauge({
      name: 'kinship_consumer_lag',
      help: 'Events waiting on the stream for a durable consumer of this service.',
      labelNames: ['service', 'consumer'],
      registers,
    });
    this.deadLetters = new Counter({
      name: 'kinship_dead_letters_total',
      help: 'Events given up on after the last retry and sent to the dead-letter subject.',
      labelNames: ['service', 'consumer'],
      registers,
    });
    this.queueJobs = new Gauge({
      name: 'kinship_queue_jobs',
      help: 'Jobs in a Bull queue by state (waiting, active, delayed, failed).',
      labelNames: ['queue', 'state'],
      registers,
    });
    this.queueJobFailures = new Counter({
      name: 'kinship_queue_job_failures_total',
      help: 'Job attempts that failed (each retry counts), by queue.',
      labelNames: ['queue'],
      registers,
    });
  }

  /** Registers work that brings gauges up to date; it runs on every scrape, so a stalled loop cannot freeze them. */
  refreshOnScrape(refresh: () => Promise<void>): void {
    this.refreshers.push(refresh);
  }

  /** The Prometheus text of this service, gauges refreshed first; a refresh that fails leaves its gauge as it was. */
  async scrape(): Promise<string> {
    await Promise.allSettled(this.refreshers.map((refresh) => refresh()));
    return this.registry.metrics();
  }
}
