import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { NotificationsRpc } from '@kinship/contracts';
import { ValidRequest, type RpcRequest } from '@kinship/messaging';
import { callerWith } from '../common/access.js';
import { CreateTemplateDto, PreviewTemplateDto, TemplateIdDto, UpdateTemplateDto } from './dto/template.dto.js';
import { TemplatesService } from './templates.service.js';

const PERMISSION = 'email-templates:manage';

@Controller()
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @MessagePattern('notifications.email-templates.list')
  list(@Payload() request: RpcRequest): Promise<NotificationsRpc.EmailTemplateList> {
    return this.templates.list(callerWith(request.context, PERMISSION).workspaceId);
  }

  @MessagePattern('notifications.email-templates.get')
  get(@Payload(new ValidRequest(TemplateIdDto)) request: RpcRequest<TemplateIdDto>): Promise<NotificationsRpc.EmailTemplate> {
    return this.templates.get(callerWith(request.context, PERMISSION).workspaceId, request.data.id);
  }

  @MessagePattern('notifications.email-templates.create')
  create(@Payload(new ValidRequest(CreateTemplateDto)) request: RpcRequest<CreateTemplateDto>): Promise<NotificationsRpc.EmailTemplate> {
    return this.templates.create(callerWith(request.context, PERMISSION).workspaceId, request.data);
  }

  @MessagePattern('notifications.email-templates.update')
  update(@Payload(new ValidRequest(UpdateTemplateDto)) request: RpcRequest<UpdateTemplateDto>): Promise<NotificationsRpc.EmailTemplate> {
    return this.templates.update(callerWith(request.context, PERMISSION).workspaceId, request.data);
  }

  @MessagePattern('notifications.email-templates.delete')
  reset(@Payload(new ValidRequest(TemplateIdDto)) request: RpcRequest<TemplateIdDto>): Promise<Record<string, never>> {
    return this.templates.reset(callerWith(request.context, PERMISSION).workspaceId, request.data.id);
  }

  @MessagePattern('notifications.email-templates.preview')
  preview(@Payload(new ValidRequest(PreviewTemplateDto)) request: RpcRequest<PreviewTemplateDto>): Promise<NotificationsRpc.RenderedEmail> {
    return this.templates.preview(callerWith(request.context, PERMISSION).workspaceId, request.data);
  }
}
