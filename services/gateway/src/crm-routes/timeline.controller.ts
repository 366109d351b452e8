import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { RequirePermission } from '../access/route-access.js';
import { Caller } from '../http/caller-context.js';
import { RecordIdParams } from './tasks.dto.js';
import { TimelinePageResponse, TimelineQuery } from './timeline.dto.js';

const DESCRIPTION =
  'Newest first: notes, tasks (created, completed), deal stage changes, emails sent, invoices and payments, merges. ' +
  'Notes need notes:read, tasks tasks:read, stage changes deals:read; the caller sees only the kinds it may read. 404 for an unknown id.';

/** The timelines of contacts, companies and deals; each needs the read permission of its record. */
@ApiTags('timeline')
@Controller()
export class TimelineController {
  constructor(private readonly services: ServiceClient) {}

  @Get('contacts/:id/timeline')
  @RequirePermission('contacts:read')
  @ApiOkResponse({ type: TimelinePageResponse, description: `${DESCRIPTION} Includes the stage changes of the contact’s deals.` })
  contact(@Param() params: RecordIdParams, @Query() query: TimelineQuery, @Caller() caller: RequestContext): Promise<TimelinePageResponse> {
    return this.services.send('crm.timeline.list', { ...query, subjectType: 'contact', id: params.id }, caller);
  }

  @Get('companies/:id/timeline')
  @RequirePermission('companies:read')
  @ApiOkResponse({ type: TimelinePageResponse, description: `${DESCRIPTION} Includes the stage changes of the company’s deals.` })
  company(@Param() params: RecordIdParams, @Query() query: TimelineQuery, @Caller() caller: RequestContext): Promise<TimelinePageResponse> {
    return this.services.send('crm.timeline.list', { ...query, subjectType: 'company', id: params.id }, caller);
  }

  @Get('deals/:id/timeline')
  @RequirePermission('deals:read')
  @ApiOkResponse({ type: TimelinePageResponse, description: DESCRIPTION })
  deal(@Param() params: RecordIdParams, @Query() query: TimelineQuery, @Caller() caller: RequestContext): Promise<TimelinePageResponse> {
    return this.services.send('crm.timeline.list', { ...query, subjectType: 'deal', id: params.id }, caller);
  }
}
