import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { RequirePermission } from '../access/route-access.js';
import { Caller } from '../http/caller-context.js';
import {
  CompanyDetailResponse,
  CompanyIdParams,
  CompanyPageResponse,
  CompanyResponse,
  CreateCompanyBody,
  ListCompaniesQuery,
  UpdateCompanyBody,
} from './companies.dto.js';

@ApiTags('companies')
@Controller('companies')
export class CompaniesController {
  constructor(private readonly services: ServiceClient) {}

  @Post()
  @RequirePermission('companies:write')
  @ApiCreatedResponse({ type: CompanyResponse, description: '409 when a live company has the domain (details name existingId); 422 names the field.' })
  create(@Body() body: CreateCompanyBody, @Caller() caller: RequestContext): Promise<CompanyResponse> {
    return this.services.send('crm.companies.create', body, caller);
  }

  @Get()
  @RequirePermission('companies:read')
  @ApiOkResponse({
    type: CompanyPageResponse,
    description: 'Sort by createdAt (default -createdAt) or name (case-insensitive); q matches words of the name and domain by prefix, and parts of the name, domain or phone.',
  })
  list(@Query() query: ListCompaniesQuery, @Caller() caller: RequestContext): Promise<CompanyPageResponse> {
    return this.services.send('crm.companies.list', query, caller);
  }

  @Get(':id')
  @RequirePermission('companies:read')
  @ApiOkResponse({ type: CompanyDetailResponse, description: 'Live or deleted (deletedAt set), with counts of its live contacts and deals.' })
  get(@Param() params: CompanyIdParams, @Caller() caller: RequestContext): Promise<CompanyDetailResponse> {
    return this.services.send('crm.companies.get', { id: params.id }, caller);
  }

  @Patch(':id')
  @RequirePermission('companies:write')
  @ApiOkResponse({ type: CompanyResponse, description: 'Absent fields stay, null clears. 404 for a deleted company.' })
  update(@Param() params: CompanyIdParams, @Body() body: UpdateCompanyBody, @Caller() caller: RequestContext): Promise<CompanyResponse> {
    return this.services.send('crm.companies.update', { ...body, id: params.id }, caller);
  }

  @Delete(':id')
  @RequirePermission('companies:write')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Soft delete: restorable; frees the domain; its contacts keep their companyId.' })
  async delete(@Param() params: CompanyIdParams, @Caller() caller: RequestContext): Promise<void> {
    await this.services.send('crm.companies.delete', { id: params.id }, caller);
  }

  @Post(':id/restore')
  @RequirePermission('companies:write')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: CompanyResponse, description: 'A live company is returned unchanged; 409 when a live company has taken its domain meanwhile (details name existingId).' })
  restore(@Param() params: CompanyIdParams, @Caller() caller: RequestContext): Promise<CompanyResponse> {
    return this.services.send('crm.companies.restore', { id: params.id }, caller);
  }
}
