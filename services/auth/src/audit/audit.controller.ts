import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { AuthRpc } from '@kinship/contracts';
import type { RpcRequest } from '@kinship/messaging';
import { userCaller } from '@kinship/messaging';
import { ValidRequest } from '@kinship/messaging';
import { AuditService } from './audit.service.js';
import { ListAuditLogsDto } from './dto/list-audit-logs.dto.js';

@Controller()
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @MessagePattern('auth.audit-logs.list')
  list(@Payload(new ValidRequest(ListAuditLogsDto)) request: RpcRequest<ListAuditLogsDto>): Promise<AuthRpc.AuditLogPage> {
    return this.audit.list(userCaller(request.context).workspaceId, request.data);
  }
}
