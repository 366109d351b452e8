import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { RequirePermission } from '../access/route-access.js';
import { Caller } from '../http/caller-context.js';
import { ConversionResponse, ConvertContactBody, DealIdParams } from './deals.dto.js';

@ApiTags('contacts')
@Controller('contacts')
export class LeadConversionController {
  constructor(private readonly services: ServiceClient) {}

  @Post(':id/convert')
  @RequirePermission('deals:write')
  @ApiCreatedResponse({
    type: ConversionResponse,
    description:
      'In one transaction: a deal with the contact, its company, owned by its owner (else the caller), and the contact’s lifecycleStage moved forward to opportunity. Members convert only their own contacts.',
  })
  convert(@Param() params: DealIdParams, @Body() body: ConvertContactBody, @Caller() caller: RequestContext): Promise<ConversionResponse> {
    return this.services.send('crm.contacts.convert', { id: params.id, ...body }, caller);
  }
}
