import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { RequirePermission } from '../access/route-access.js';
import { Caller } from '../http/caller-context.js';
import { Contact as ContactResponse, RecordIdParams as ContactIdParams } from '@kinship/contracts/crm';
import { DuplicatePageResponse, ListDuplicatesQuery, MergeContactsBody } from './duplicates.dto.js';

/** Under /contacts beside ContactsController; Fastify matches the static `duplicates` before `:id`. */
@ApiTags('contacts')
@Controller('contacts')
export class ContactDuplicatesController {
  constructor(private readonly services: ServiceClient) {}

  @Get('duplicates')
  @RequirePermission('contacts:read')
  @ApiOkResponse({ type: DuplicatePageResponse, description: 'Groups of live contacts that share an email, a phone, or a name at the same company.' })
  list(@Query() query: ListDuplicatesQuery, @Caller() caller: RequestContext): Promise<DuplicatePageResponse> {
    return this.services.send('crm.contacts.duplicates', query, caller);
  }

  @Post(':id/merge')
  @RequirePermission('contacts:write')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({
    type: ContactResponse,
    description:
      'The survivor after the merge: it keeps its fields and takes the other’s where its own are empty, unions tags, adds custom fields; ' +
      'notes, tasks, deals and segment memberships move to it; the other is deleted. Members must own both.',
  })
  merge(@Param() params: ContactIdParams, @Body() body: MergeContactsBody, @Caller() caller: RequestContext): Promise<ContactResponse> {
    return this.services.send('crm.contacts.merge', { id: params.id, ...body }, caller);
  }
}
