import { Inject, Injectable, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { BullModule, getQueueToken } from '@nestjs/bull';
import { ServiceConfig } from '@kinship/config';
import { ServiceMetrics } from '@kinship/observability';
import type { AdvancedSettings, Queue } from 'bull';
import { SERVICE_INFO, type ServiceInfo } from '../tokens.js';

const QUEUE_NAMES = Symbol('QUEUE_NAMES');

/** A queue by its name, with Bull's defaults, or with settings of its own (e.g. a shorter job lock). */
export type QueueDefinition = string | { name: string; settings: AdvancedSettings };
const GAUGED_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/** Puts each queue's depth and failures on the service's /metrics. */
@Injectable()
class QueueMetrics implements OnModuleInit {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly metrics: ServiceMetrics,
    @Inject(QUEUE_NAMES) private readonly names: string[],
  ) {}

  onModuleInit(): void {
    for (const name of this.names) {
      const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
      queue.on('failed', () => this.metrics.queueJobFailures.inc({ queue: name }));
      this.metrics.refreshOnScrape(async () => {
        const counts = await queue.getJobCounts();
        for (const state of GAUGED_STATES) this.metrics.queueJobs.set({ queue: name, state }, counts[state]);
      });
    }
  }
}

/**
 * Bull queues of a service, on its Redis. Keys are prefixed with NATS_NAMESPACE, so environments
 * (and test suites) sharing one Redis keep their jobs apart, as they keep their subjects apart.
 * Register every queue of a service in one call, among its features; feature modules inject them
 * with @InjectQueue(name) and declare their @Processor classes as providers.
 */
@Module({})
export class QueuesModule {
  static register(queues: QueueDefinition[]): DynamicModule {
    const definitions = queues.map((queue) => (typeof queue === 'string' ? { name: queue } : queue));
    return {
      module: QueuesModule,
      global: true,
      imports: [
        BullModule.forRootAsync({
          inject: [ServiceConfig, SERVICE_INFO],
          useFactory: (config: ServiceConfig, info: ServiceInfo) => ({ redis: config.REDIS_URL, prefix: `${info.namespace}bull` }),
        }),
        BullModule.registerQueue(...definitions),
      ],
      providers: [{ provide: QUEUE_NAMES, useValue: definitions.map((queue) => queue.name) }, QueueMetrics],
      exports: [BullModule],
    };
  }
}
