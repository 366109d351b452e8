import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthRpc } from '@kinship/contracts';
import { ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { RequirePermission } from '../access/route-access.js';
import { Caller } from '../http/caller-context.js';
import { ErrorResponse } from '../http/error-response.dto.js';
import { ApiKeyPageResponse, CreateApiKeyBody, CreatedApiKeyResponse } from './api-keys.dto.js';
import { IdParams, PageQuery } from './fields.js';

/** Partners' keys: each acts in the workspace with its scopes only. */
@ApiTags('api-keys')
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly services: ServiceClient) {}

  @Post()
  @RequirePermission('api-keys:manage')
  @ApiCreatedResponse({ type: CreatedApiKeyResponse, description: 'The key is in the body this once; only its hash is kept.' })
  @ApiOperation({ summary: 'Create an API key', description: 'A key for a partner or script, with scopes no wider than the creator’s role; the key is shown this once.' })
  create(@Body() body: CreateApiKeyBody, @Caller() caller: RequestContext): Promise<AuthRpc.CreatedApiKey> {
    return this.services.send<AuthRpc.CreatedApiKey, AuthRpc.CreateApiKeyRequest>('auth.api-keys.create', body, caller);
  }

  @Get()
  @RequirePermission('api-keys:manage')
  @ApiOkResponse({ type: ApiKeyPageResponse })
  @ApiOperation({ summary: 'List API keys', description: 'The workspace’s keys (never the key itself), newest first.' })
  list(@Query() query: PageQuery, @Caller() caller: RequestContext): Promise<AuthRpc.ApiKeyPage> {
    return this.services.send<AuthRpc.ApiKeyPage, AuthRpc.PageRequest>('auth.api-keys.list', query, caller);
  }

  @Delete(':id')
  @RequirePermission('api-keys:manage')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Revoked: refused everywhere within 30 seconds (the gateway caches verified keys that long).' })
  @ApiOperation({ summary: 'Revoke an API key', description: 'The key is refused everywhere within 30 seconds.' })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'No API key with this id in the workspace.' })
  async revoke(@Param() params: IdParams, @Caller() caller: RequestContext): Promise<void> {
    await this.services.send<unknown, AuthRpc.IdRequest>('auth.api-keys.revoke', { id: params.id }, caller);
  }
}
