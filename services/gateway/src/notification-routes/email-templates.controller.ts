import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { NotificationsRpc } from '@kinship/contracts';
import { ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { RequirePermission } from '../access/route-access.js';
import { Caller } from '../http/caller-context.js';
import {
  CreateEmailTemplateBody,
  EmailTemplateListResponse,
  EmailTemplateResponse,
  PreviewEmailTemplateBody,
  RenderedEmailResponse,
  TemplateIdParams,
  UpdateEmailTemplateBody,
} from './email-templates.dto.js';

/** The workspace's emails: the defaults, and its overrides of them. */
@ApiTags('email-templates')
@Controller('email-templates')
export class EmailTemplatesController {
  constructor(private readonly services: ServiceClient) {}

  @Get()
  @RequirePermission('email-templates:manage')
  @ApiOkResponse({ type: EmailTemplateListResponse, description: 'Every template, as the workspace sends it.' })
  @ApiOperation({ summary: 'List email templates', description: 'Every template key, as the workspace sends it: its override, else the default.' })
  list(@Caller() caller: RequestContext): Promise<NotificationsRpc.EmailTemplateList> {
    return this.services.send<NotificationsRpc.EmailTemplateList>('notifications.email-templates.list', {}, caller);
  }

  @Get(':id')
  @RequirePermission('email-templates:manage')
  @ApiOkResponse({ type: EmailTemplateResponse })
  @ApiOperation({ summary: 'Read an email template', description: 'The workspace’s override, else the default.' })
  get(@Param() params: TemplateIdParams, @Caller() caller: RequestContext): Promise<NotificationsRpc.EmailTemplate> {
    return this.services.send<NotificationsRpc.EmailTemplate, NotificationsRpc.EmailTemplateIdRequest>('notifications.email-templates.get', { id: params.id }, caller);
  }

  @Post()
  @RequirePermission('email-templates:manage')
  @ApiCreatedResponse({ type: EmailTemplateResponse, description: 'The workspace now sends this instead of the default. 409 if it already overrides the key.' })
  @ApiOperation({ summary: 'Override an email template', description: 'The workspace sends this template instead of the default from now on.' })
  create(@Body() body: CreateEmailTemplateBody, @Caller() caller: RequestContext): Promise<NotificationsRpc.EmailTemplate> {
    return this.services.send<NotificationsRpc.EmailTemplate, NotificationsRpc.CreateEmailTemplateRequest>('notifications.email-templates.create', body, caller);
  }

  @Patch(':id')
  @RequirePermission('email-templates:manage')
  @ApiOkResponse({ type: EmailTemplateResponse, description: 'Changes the override (starting one from the default if there is none).' })
  @ApiOperation({ summary: 'Change an email template', description: 'Changes the override, starting one from the default if there is none.' })
  update(@Param() params: TemplateIdParams, @Body() body: UpdateEmailTemplateBody, @Caller() caller: RequestContext): Promise<NotificationsRpc.EmailTemplate> {
    return this.services.send<NotificationsRpc.EmailTemplate, NotificationsRpc.UpdateEmailTemplateRequest>('notifications.email-templates.update', { id: params.id, ...body }, caller);
  }

  @Delete(':id')
  @RequirePermission('email-templates:manage')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'The override is gone; the default applies again.' })
  @ApiOperation({ summary: 'Reset an email template', description: 'Deletes the override; the default applies again.' })
  async reset(@Param() params: TemplateIdParams, @Caller() caller: RequestContext): Promise<void> {
    await this.services.send<unknown, NotificationsRpc.EmailTemplateIdRequest>('notifications.email-templates.delete', { id: params.id }, caller);
  }

  @Post(':id/preview')
  @RequirePermission('email-templates:manage')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: RenderedEmailResponse, description: 'Renders the saved template, or the draft given, with the data over the template’s sample data. Sends nothing.' })
  @ApiOperation({ summary: 'Preview an email template', description: 'Renders the saved template, or the draft given, over sample data. Sends nothing.' })
  preview(@Param() params: TemplateIdParams, @Body() body: PreviewEmailTemplateBody, @Caller() caller: RequestContext): Promise<NotificationsRpc.RenderedEmail> {
    return this.services.send<NotificationsRpc.RenderedEmail, NotificationsRpc.PreviewEmailTemplateRequest>('notifications.email-templates.preview', { id: params.id, ...body }, caller);
  }
}
