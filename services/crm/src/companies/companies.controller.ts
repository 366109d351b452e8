import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ValidRequest, type RpcRequest } from '@kinship/messaging';
import { crmCaller } from '../common/crm-caller.js';
import { CompanyIdDto, CreateCompanyDto, ListCompaniesDto, UpdateCompanyDto } from './companies.dto.js';
import type { Company } from './companies.repository.js';
import { CompaniesService, type CompanyPage, type CompanyWithCounts } from './companies.service.js';

@Controller()
export class CompaniesController {
  constructor(private readonly companies: CompaniesService) {}

  @MessagePattern('crm.companies.create')
  create(@Payload(new ValidRequest(CreateCompanyDto)) request: RpcRequest<CreateCompanyDto>): Promise<Company> {
    return this.companies.create(crmCaller(request.context), request.data);
  }

  @MessagePattern('crm.companies.get')
  get(@Payload(new ValidRequest(CompanyIdDto)) request: RpcRequest<CompanyIdDto>): Promise<CompanyWithCounts> {
    return this.companies.get(crmCaller(request.context), request.data.id);
  }

  @MessagePattern('crm.companies.list')
  list(@Payload(new ValidRequest(ListCompaniesDto)) request: RpcRequest<ListCompaniesDto>): Promise<CompanyPage> {
    return this.companies.list(crmCaller(request.context), request.data);
  }

  @MessagePattern('crm.companies.update')
  update(@Payload(new ValidRequest(UpdateCompanyDto)) request: RpcRequest<UpdateCompanyDto>): Promise<Company> {
    return this.companies.update(crmCaller(request.context), request.data);
  }

  @MessagePattern('crm.companies.delete')
  delete(@Payload(new ValidRequest(CompanyIdDto)) request: RpcRequest<CompanyIdDto>): Promise<Record<string, never>> {
    return this.companies.delete(crmCaller(request.context), request.data.id);
  }

  @MessagePattern('crm.companies.restore')
  restore(@Payload(new ValidRequest(CompanyIdDto)) request: RpcRequest<CompanyIdDto>): Promise<Company> {
    return this.companies.restore(crmCaller(request.context), request.data.id);
  }
}
