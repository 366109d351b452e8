import { setTimeout as sleep } from 'node:timers/promises';
import { Body, Controller, Get, Module, Param, Post, Query } from '@nestjs/common';
import { Type } from 'class-transformer';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { RpcError, ServiceClient, type RpcRequest } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { Public } from '../src/access/route-access.js';
import { Caller } from '../src/http/caller-context.js';

/** A body the gateway validates before forwarding it. */
export class ProbeBody {
  @IsString()
  @MaxLength(20)
  name!: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  count?: number;
}

/** Query parameters the gateway validates, as a list endpoint's are. */
export class ProbeQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

/** A gateway route that forwards to `crm.probe.<outcome>`, like every real route forwards to its service. */
@Controller('probe')
export class ProbeGatewayController {
  constructor(private readonly services: ServiceClient) {}

  @Get('list')
  @Public()
  list(@Query() query: ProbeQuery): ProbeQuery {
    return query;
  }

  @Post(':outcome')
  @Public()
  forward(@Param('outcome') outcome: string, @Body() body: ProbeBody, @Caller() caller: RequestContext): Promise<unknown> {
    return this.services.send(`crm.probe.${outcome}`, body, caller);
  }
}

/** Handlers added to the crm service for the test, each failing in one way a real handler can. */
@Controller()
class ProbeHandlers {
  @MessagePattern('crm.probe.echo')
  echo(@Payload() request: RpcRequest<ProbeBody>): { received: ProbeBody; requestId: string } {
    return { received: request.data, requestId: request.context.requestId };
  }

  @MessagePattern('crm.probe.conflict')
  conflict(): never {
    throw RpcError.conflict('A contact with this email already exists.', [{ field: 'email', issue: 'taken', existingId: 'c-1' }]);
  }

  @MessagePattern('crm.probe.crash')
  crash(): never {
    throw new Error('database password is hunter2');
  }

  @MessagePattern('crm.probe.slow')
  async slow(): Promise<string> {
    await sleep(3000);
    return 'late';
  }
}

@Module({ controllers: [ProbeHandlers] })
export class ProbeHandlersModule {}
