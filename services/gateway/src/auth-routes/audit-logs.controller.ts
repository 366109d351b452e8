import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthRpc } from '@kinship/contracts';
import { ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { RequirePermission } from '../access/route-access.js';
import { Caller } from '../http/caller-context.js';
import { AuditLogPageResponse, ListAuditLogsQuery } from './audit-logs.dto.js';

@ApiTags('audit-logs')
@Controller('audit-logs')
export class AuditLogsController {
  constructor(private readonly services: ServiceClient) {}

  @Get()
  @RequirePermission('audit-logs:read')
  @ApiOkResponse({ type: AuditLogPageResponse, description: 'Newest first.' })
  @ApiOperation({ summary: 'List the audit log', description: 'Who did what in the workspace (sign-ins, role changes, keys, deletions), newest first.' })
  list(@Query() query: ListAuditLogsQuery, @Caller() caller: RequestContext): Promise<AuthRpc.AuditLogPage> {
    return this.services.send<AuthRpc.AuditLogPage, AuthRpc.ListAuditLogsRequest>('auth.audit-logs.list', query, caller);
  }
}
