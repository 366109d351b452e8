import { Injectable } from '@nestjs/common';
import { ServiceMetrics } from '@kinship/observability';
import { Counter, Histogram } from 'prom-client';

export type AttemptResult = 'succeeded' | 'retrying' | 'failed';

/** Webhook figures on the service's /metrics. */
@Injectable()
export class WebhookMetrics {
  readonly attempts: Counter<'outcome'>;
  readonly attemptDuration: Histogram<'outcome'>;
  readonly endpointsDisabled: Counter;

  constructor(metrics: ServiceMetrics) {
    const registers = [metrics.registry];
    this.attempts = new Counter({
      name: 'kinship_webhook_delivery_attempts_total',
      help: 'Webhook delivery attempts by outcome: succeeded, retrying (failed, another attempt is scheduled) or failed (the last attempt failed).',
      labelNames: ['outcome'],
      registers,
    });
    this.attemptDuration = new Histogram({
      name: 'kinship_webhook_delivery_attempt_duration_seconds',
      help: 'Duration of webhook delivery attempts (address check, request and answer), by outcome.',
      labelNames: ['outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.endpointsDisabled = new Counter({
      name: 'kinship_webhook_endpoints_disabled_total',
      help: 'Webhook endpoints disabled because deliveries in a row failed every attempt.',
      registers,
    });
  }

  record(outcome: AttemptResult, durationMs: number): void {
    this.attempts.inc({ outcome });
    this.attemptDuration.observe({ outcome }, durationMs / 1000);
  }
}
