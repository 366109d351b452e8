import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ValidRequest, type RpcRequest } from '@kinship/messaging';
import { crmCaller } from '../common/crm-caller.js';
import type { ImportErrorRow } from './imports.repository.js';
import { ImportsService, type ConflictView, type ImportView } from './imports.service.js';
import { CreateImportDto, ImportIdDto, ListConflictsDto, ListImportErrorsDto, ResolveConflictDto, ResolveConflictsDto } from './dto/imports.dto.js';

@Controller()
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  @MessagePattern('crm.imports.create')
  create(@Payload(new ValidRequest(CreateImportDto)) request: RpcRequest<CreateImportDto>): Promise<{ id: string }> {
    return this.imports.create(crmCaller(request.context), request.data);
  }

  @MessagePattern('crm.imports.get')
  get(@Payload(new ValidRequest(ImportIdDto)) request: RpcRequest<ImportIdDto>): Promise<ImportView> {
    return this.imports.get(crmCaller(request.context), request.data.id);
  }

  @MessagePattern('crm.imports.errors')
  errors(@Payload(new ValidRequest(ListImportErrorsDto)) request: RpcRequest<ListImportErrorsDto>): Promise<{ columns: string[]; errors: ImportErrorRow[] }> {
    return this.imports.errors(crmCaller(request.context), request.data);
  }

  @MessagePattern('crm.imports.cancel')
  cancel(@Payload(new ValidRequest(ImportIdDto)) request: RpcRequest<ImportIdDto>): Promise<ImportView> {
    return this.imports.cancel(crmCaller(request.context), request.data.id);
  }

  @MessagePattern('crm.imports.undo')
  undo(@Payload(new ValidRequest(ImportIdDto)) request: RpcRequest<ImportIdDto>): Promise<ImportView> {
    return this.imports.undo(crmCaller(request.context), request.data.id);
  }

  @MessagePattern('crm.imports.conflicts.list')
  conflicts(@Payload(new ValidRequest(ListConflictsDto)) request: RpcRequest<ListConflictsDto>): Promise<{ data: ConflictView[]; nextCursor: string | null }> {
    return this.imports.conflicts(crmCaller(request.context), request.data);
  }

  @MessagePattern('crm.imports.conflicts.resolve')
  resolve(@Payload(new ValidRequest(ResolveConflictDto)) request: RpcRequest<ResolveConflictDto>): Promise<ConflictView> {
    return this.imports.resolve(crmCaller(request.context), request.data);
  }

  @MessagePattern('crm.imports.conflicts.resolve-many')
  resolveMany(@Payload(new ValidRequest(ResolveConflictsDto)) request: RpcRequest<ResolveConflictsDto>): Promise<{ resolved: number }> {
    return this.imports.resolveMany(crmCaller(request.context), request.data);
  }
}
