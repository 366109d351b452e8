import { Controller } from '@nestjs/common';
import { CreatePipeline, DeletePipeline, GetPipeline, ListPipelines, MakeDefaultPipeline, RestorePipeline, UpdatePipeline } from '@kinship/contracts/crm';
import { Handles, type OperationRequest } from '@kinship/messaging';
import { crmCaller } from '../common/crm-caller.js';
import { PipelinesService } from './pipelines.service.js';

@Controller()
export class PipelinesController {
  constructor(private readonly pipelines: PipelinesService) {}

  @Handles(CreatePipeline)
  create({ context, data }: OperationRequest<typeof CreatePipeline>) {
    return this.pipelines.create(crmCaller(context), data);
  }

  @Handles(GetPipeline)
  get({ context, data }: OperationRequest<typeof GetPipeline>) {
    return this.pipelines.get(crmCaller(context), data.id);
  }

  @Handles(ListPipelines)
  list({ context, data }: OperationRequest<typeof ListPipelines>) {
    return this.pipelines.list(crmCaller(context), data);
  }

  @Handles(UpdatePipeline)
  update({ context, data }: OperationRequest<typeof UpdatePipeline>) {
    return this.pipelines.update(crmCaller(context), data);
  }

  @Handles(DeletePipeline)
  async delete({ context, data }: OperationRequest<typeof DeletePipeline>) {
    await this.pipelines.delete(crmCaller(context), data.id);
  }

  @Handles(RestorePipeline)
  restore({ context, data }: OperationRequest<typeof RestorePipeline>) {
    return this.pipelines.restore(crmCaller(context), data.id);
  }

  @Handles(MakeDefaultPipeline)
  makeDefault({ context, data }: OperationRequest<typeof MakeDefaultPipeline>) {
    return this.pipelines.makeDefault(crmCaller(context), data.id);
  }
}
