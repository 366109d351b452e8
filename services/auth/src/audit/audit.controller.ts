import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { ListAuditLogs, ListAuditLogsQuery } from '@kinship/contracts/auth';
import { Handles, userCaller, ValidRequest, type OperationRequest } from '@kinship/messaging';
import { AuditService } from './audit.service.js';

// Inputs are checked again here with the contract's classes: NATS is reachable without the gateway.
@Controller()
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Handles(ListAuditLogs)
  list(@Payload(new ValidRequest(ListAuditLogsQuery)) { context, data }: OperationRequest<typeof ListAuditLogs>) {
    return this.audit.list(userCaller(context).workspaceId, data);
  }
}
