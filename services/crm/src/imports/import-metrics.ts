import { Injectable } from '@nestjs/common';
import { ServiceMetrics } from '@kinship/observability';
import { Counter } from 'prom-client';
import type { BatchOutcome } from './import-batch.js';

/** Import progress on crm's /metrics: rows merged, counted when their batch commits. */
@Injectable()
export class ImportMetrics {
  private readonly rows: Counter<'entity' | 'outcome'>;

  constructor(metrics: ServiceMetrics) {
    this.rows = new Counter({
      name: 'kinship_import_rows_total',
      help: 'Rows of import files committed, by entity and outcome: created, updated, conflicts (a value kept for review) or failed (the row was refused).',
      labelNames: ['entity', 'outcome'],
      registers: [metrics.registry],
    });
  }

  recordBatch(entity: string, outcome: BatchOutcome, failed: number): void {
    for (const [name, count] of Object.entries({ ...outcome, failed })) this.rows.inc({ entity, outcome: name }, count);
  }
}
