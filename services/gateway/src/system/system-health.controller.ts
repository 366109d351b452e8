import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RpcError, ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { Public } from '../access/route-access.js';
import { GatewayConfig } from '../gateway.config.js';
import { Caller } from '../http/caller-context.js';

export const BACKEND_SERVICES = ['auth', 'crm', 'billing', 'notifications', 'reporting'] as const;

interface ServiceHealth {
  status: 'up' | 'down';
  details?: unknown;
  error?: string;
}

export interface SystemHealth {
  status: 'ok' | 'degraded';
  services: Record<string, ServiceHealth>;
}

/** GET /health: every service's readiness, asked over NATS; answers even when some are down. */
@ApiTags('operations')
@Controller('health')
export class SystemHealthController {
  constructor(
    private readonly services: ServiceClient,
    private readonly config: GatewayConfig,
  ) {}

  @Get()
  @Public()
  @ApiOkResponse({ description: 'Each service with status up or down; overall ok or degraded.' })
  @ApiOperation({ summary: 'System health', description: 'Every service’s readiness, asked over NATS; answers even when some are down.' })
  async health(@Caller() context: RequestContext): Promise<SystemHealth> {
    const entries = await Promise.all(
      BACKEND_SERVICES.map(async (service): Promise<[string, ServiceHealth]> => {
        try {
          const result = await this.services.send<{ status: string; details?: unknown }>(
            `${service}.system.health`,
            {},
            context,
            this.config.HEALTH_TIMEOUT_MS,
          );
          return [service, { status: result.status === 'ok' ? 'up' : 'down', details: result.details }];
        } catch (error) {
          return [service, { status: 'down', error: error instanceof RpcError ? error.message : 'unknown error' }];
        }
      }),
    );
    const services = Object.fromEntries(entries);
    const allUp = entries.every(([, health]) => health.status === 'up');
    return { status: allUp ? 'ok' : 'degraded', services };
  }
}
