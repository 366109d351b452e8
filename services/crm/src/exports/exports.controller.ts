import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ValidRequest, type RpcRequest } from '@kinship/messaging';
import { crmCaller } from '../common/crm-caller.js';
import { CreateExportDto } from './dto/create-export.dto.js';
import { ExportIdDto } from './dto/export-id.dto.js';
import { ListExportsDto } from './dto/list-exports.dto.js';
import type { Export } from './exports.repository.js';
import { ExportsService } from './exports.service.js';

@Controller()
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  @MessagePattern('crm.exports.create')
  create(@Payload(new ValidRequest(CreateExportDto)) request: RpcRequest<CreateExportDto>): Promise<Export> {
    return this.exports.create(crmCaller(request.context), request.data);
  }

  /** The export and, once completed, the key of its file (for the gateway's download). */
  @MessagePattern('crm.exports.get')
  get(@Payload(new ValidRequest(ExportIdDto)) request: RpcRequest<ExportIdDto>): Promise<Export & { fileKey: string | null }> {
    return this.exports.get(crmCaller(request.context), request.data.id);
  }

  @MessagePattern('crm.exports.list')
  list(@Payload(new ValidRequest(ListExportsDto)) request: RpcRequest<ListExportsDto>): Promise<{ data: Export[]; nextCursor: string | null }> {
    return this.exports.list(crmCaller(request.context), request.data);
  }
}
