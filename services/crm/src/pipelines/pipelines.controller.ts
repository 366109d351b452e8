import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ValidRequest, type RpcRequest } from '@kinship/messaging';
import { crmCaller } from '../common/crm-caller.js';
import { CreatePipelineDto, ListPipelinesDto, PipelineIdDto, UpdatePipelineDto } from './dto/pipeline.dto.js';
import { PipelinesService, type Pipeline } from './pipelines.service.js';

@Controller()
export class PipelinesController {
  constructor(private readonly pipelines: PipelinesService) {}

  @MessagePattern('crm.pipelines.create')
  create(@Payload(new ValidRequest(CreatePipelineDto)) request: RpcRequest<CreatePipelineDto>): Promise<Pipeline> {
    return this.pipelines.create(crmCaller(request.context), request.data);
  }

  @MessagePattern('crm.pipelines.get')
  get(@Payload(new ValidRequest(PipelineIdDto)) request: RpcRequest<PipelineIdDto>): Promise<Pipeline> {
    return this.pipelines.get(crmCaller(request.context), request.data.id);
  }

  @MessagePattern('crm.pipelines.list')
  list(@Payload(new ValidRequest(ListPipelinesDto)) request: RpcRequest<ListPipelinesDto>): Promise<{ data: Pipeline[]; nextCursor: string | null }> {
    return this.pipelines.list(crmCaller(request.context), request.data);
  }

  @MessagePattern('crm.pipelines.update')
  update(@Payload(new ValidRequest(UpdatePipelineDto)) request: RpcRequest<UpdatePipelineDto>): Promise<Pipeline> {
    return this.pipelines.update(crmCaller(request.context), request.data);
  }

  @MessagePattern('crm.pipelines.delete')
  async delete(@Payload(new ValidRequest(PipelineIdDto)) request: RpcRequest<PipelineIdDto>): Promise<Record<string, never>> {
    await this.pipelines.delete(crmCaller(request.context), request.data.id);
    return {};
  }

  @MessagePattern('crm.pipelines.restore')
  restore(@Payload(new ValidRequest(PipelineIdDto)) request: RpcRequest<PipelineIdDto>): Promise<Pipeline> {
    return this.pipelines.restore(crmCaller(request.context), request.data.id);
  }

  @MessagePattern('crm.pipelines.make-default')
  makeDefault(@Payload(new ValidRequest(PipelineIdDto)) request: RpcRequest<PipelineIdDto>): Promise<Pipeline> {
    return this.pipelines.makeDefault(crmCaller(request.context), request.data.id);
  }
}
