import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { RequirePermission } from '../access/route-access.js';
import { Caller } from '../http/caller-context.js';
import { ContactBody, ContactIdParams, ContactPageResponse, ContactResponse, ListContactsQuery } from './contacts.dto.js';

@ApiTags('contacts')
@Controller('contacts')
export class ContactsController {
  constructor(private readonly services: ServiceClient) {}

  @Post()
  @RequirePermission('contacts:write')
  @ApiCreatedResponse({ type: ContactResponse, description: 'Needs one of firstName, lastName, email, phone. 409 when a live contact has the email or phone (details name existingId).' })
  create(@Body() body: ContactBody, @Caller() caller: RequestContext): Promise<ContactResponse> {
    return this.services.send('crm.contacts.create', body, caller);
  }

  @Get()
  @RequirePermission('contacts:read')
  @ApiOkResponse({
    type: ContactPageResponse,
    description: 'Sort by createdAt (default -createdAt), updatedAt or lastName; q matches name, email, phone and company name prefixes and fragments.',
  })
  list(@Query() query: ListContactsQuery, @Caller() caller: RequestContext): Promise<ContactPageResponse> {
    return this.services.send('crm.contacts.list', query, caller);
  }

  @Get(':id')
  @RequirePermission('contacts:read')
  @ApiOkResponse({ type: ContactResponse, description: 'Live or deleted (deletedAt set).' })
  get(@Param() params: ContactIdParams, @Caller() caller: RequestContext): Promise<ContactResponse> {
    return this.services.send('crm.contacts.get', { id: params.id }, caller);
  }

  @Patch(':id')
  @RequirePermission('contacts:write')
  @ApiOkResponse({ type: ContactResponse, description: 'Absent fields stay, null clears. Members change only their own contacts.' })
  update(@Param() params: ContactIdParams, @Body() body: ContactBody, @Caller() caller: RequestContext): Promise<ContactResponse> {
    return this.services.send('crm.contacts.update', { id: params.id, ...body }, caller);
  }

  @Delete(':id')
  @RequirePermission('contacts:write')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Soft delete: the email and phone are free again; POST /contacts/:id/restore brings the contact back.' })
  async delete(@Param() params: ContactIdParams, @Caller() caller: RequestContext): Promise<void> {
    await this.services.send('crm.contacts.delete', { id: params.id }, caller);
  }

  @Post(':id/restore')
  @RequirePermission('contacts:write')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: ContactResponse, description: '409 when a live contact has taken the email or phone meanwhile.' })
  restore(@Param() params: ContactIdParams, @Caller() caller: RequestContext): Promise<ContactResponse> {
    return this.services.send('crm.contacts.restore', { id: params.id }, caller);
  }
}
