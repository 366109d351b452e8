import { Controller, Get } from '@nestjs/common';
import type { HealthCheckResult } from '@nestjs/terminus';
import { ReadinessService } from './readiness.service.js';

@Controller('health')
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  /** The process is up and its event loop turns; checks nothing else, so a slow database never restarts it. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** 200 when every dependency answers, 503 with the failing ones named otherwise. */
  @Get('ready')
  ready(): Promise<HealthCheckResult> {
    return this.readiness.check();
  }
}
