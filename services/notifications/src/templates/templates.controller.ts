import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  CreateEmailTemplate,
  CreateEmailTemplateBody,
  GetEmailTemplate,
  ListEmailTemplates,
  PreviewEmailTemplate,
  ResetEmailTemplate,
  UpdateEmailTemplate,
} from '@kinship/contracts/notifications';
import { Handles, ValidRequest, type OperationRequest } from '@kinship/messaging';
import { callerWith } from '../common/access.js';
import { PreviewTemplateRequest, UpdateTemplateRequest } from './dto/template.dto.js';
import { TemplatesService } from './templates.service.js';

const PERMISSION = 'email-templates:manage';

// Bodies are checked again here with the contract's classes: NATS is reachable without the gateway.
@Controller()
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Handles(ListEmailTemplates)
  list({ context }: OperationRequest<typeof ListEmailTemplates>) {
    return this.templates.list(callerWith(context, PERMISSION).workspaceId);
  }

  @Handles(GetEmailTemplate)
  get({ context, data }: OperationRequest<typeof GetEmailTemplate>) {
    return this.templates.get(callerWith(context, PERMISSION).workspaceId, data.id);
  }

  @Handles(CreateEmailTemplate)
  create(@Payload(new ValidRequest(CreateEmailTemplateBody)) { context, data }: OperationRequest<typeof CreateEmailTemplate>) {
    return this.templates.create(callerWith(context, PERMISSION).workspaceId, data);
  }

  @Handles(UpdateEmailTemplate)
  update(@Payload(new ValidRequest(UpdateTemplateRequest)) { context, data }: OperationRequest<typeof UpdateEmailTemplate>) {
    return this.templates.update(callerWith(context, PERMISSION).workspaceId, data);
  }

  @Handles(ResetEmailTemplate)
  async reset({ context, data }: OperationRequest<typeof ResetEmailTemplate>) {
    await this.templates.reset(callerWith(context, PERMISSION).workspaceId, data.id);
  }

  @Handles(PreviewEmailTemplate)
  preview(@Payload(new ValidRequest(PreviewTemplateRequest)) { context, data }: OperationRequest<typeof PreviewEmailTemplate>) {
    return this.templates.preview(callerWith(context, PERMISSION).workspaceId, data);
  }
}
