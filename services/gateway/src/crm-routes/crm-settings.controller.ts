import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { RequirePermission } from '../access/route-access.js';
import { Caller } from '../http/caller-context.js';
import { CrmSettingsBody, CrmSettingsResponse } from './crm-settings.dto.js';

/** The workspace's crm settings: how phone numbers typed without a country code are read. */
@ApiTags('crm-settings')
@Controller('crm-settings')
export class CrmSettingsController {
  constructor(private readonly services: ServiceClient) {}

  @Get()
  @RequirePermission('contacts:read')
  @ApiOkResponse({ type: CrmSettingsResponse })
  get(@Caller() caller: RequestContext): Promise<CrmSettingsResponse> {
    return this.services.send('crm.settings.get', {}, caller);
  }

  @Put()
  @RequirePermission('crm-settings:manage')
  @ApiOkResponse({ type: CrmSettingsResponse, description: '422 when the region is not a country libphonenumber-js knows. Stored numbers stay as they are.' })
  update(@Body() body: CrmSettingsBody, @Caller() caller: RequestContext): Promise<CrmSettingsResponse> {
    return this.services.send('crm.settings.update', body, caller);
  }
}
