import { Controller } from '@nestjs/common';
import { CreateExport, GetExport, ListExports } from '@kinship/contracts/crm';
import { Handles, type OperationRequest } from '@kinship/messaging';
import { crmCaller } from '../common/crm-caller.js';
import { ExportsService } from './exports.service.js';

@Controller()
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  @Handles(CreateExport)
  async create({ context, data }: OperationRequest<typeof CreateExport>) {
    const created = await this.exports.create(crmCaller(context), data);
    return { id: created.id, status: created.status };
  }

  @Handles(GetExport)
  get({ context, data }: OperationRequest<typeof GetExport>) {
    return this.exports.get(crmCaller(context), data.id);
  }

  @Handles(ListExports)
  list({ context, data }: OperationRequest<typeof ListExports>) {
    return this.exports.list(crmCaller(context), data);
  }
}
