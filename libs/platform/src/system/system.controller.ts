import { Controller, Inject, type Type } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import type { HealthCheckResult } from '@nestjs/terminus';
import { ReadinessService } from '../health/readiness.service.js';
import { SERVICE_INFO, type ServiceInfo } from '../tokens.js';

export interface PingReply {
  service: string;
  version: string;
  instance: string;
  time: string;
}

/** Terminus reports a failed check by throwing an exception whose response is the result. */
function resultOf(error: unknown): HealthCheckResult {
  const response = (error as { getResponse?: () => unknown }).getResponse?.();
  if (response && typeof response === 'object' && 'status' in response) return response as HealthCheckResult;
  throw error;
}

/** `<service>.system.ping` and `<service>.system.health`, answered over NATS for the gateway. */
export function createSystemController(service: string): Type {
  @Controller()
  class SystemController {
    constructor(
      private readonly readiness: ReadinessService,
      @Inject(SERVICE_INFO) private readonly info: ServiceInfo,
    ) {}

    @MessagePattern(`${service}.system.ping`)
    ping(): PingReply {
      return { service: this.info.name, version: this.info.version, instance: this.info.instance, time: new Date().toISOString() };
    }

    @MessagePattern(`${service}.system.health`)
    async health(): Promise<HealthCheckResult> {
      return this.readiness.check().catch(resultOf);
    }
  }
  return SystemController;
}
