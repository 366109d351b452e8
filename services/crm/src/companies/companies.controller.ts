import { Controller } from '@nestjs/common';
import { CreateCompany, DeleteCompany, GetCompany, ListCompanies, RestoreCompany, UpdateCompany } from '@kinship/contracts/crm';
import { Handles, type OperationRequest } from '@kinship/messaging';
import { crmCaller } from '../common/crm-caller.js';
import { CompaniesService } from './companies.service.js';

@Controller()
export class CompaniesController {
  constructor(private readonly companies: CompaniesService) {}

  @Handles(CreateCompany)
  create({ context, data }: OperationRequest<typeof CreateCompany>) {
    return this.companies.create(crmCaller(context), data);
  }

  @Handles(GetCompany)
  get({ context, data }: OperationRequest<typeof GetCompany>) {
    return this.companies.get(crmCaller(context), data.id);
  }

  @Handles(ListCompanies)
  list({ context, data }: OperationRequest<typeof ListCompanies>) {
    return this.companies.list(crmCaller(context), data);
  }

  @Handles(UpdateCompany)
  update({ context, data }: OperationRequest<typeof UpdateCompany>) {
    return this.companies.update(crmCaller(context), data);
  }

  @Handles(DeleteCompany)
  async delete({ context, data }: OperationRequest<typeof DeleteCompany>) {
    await this.companies.delete(crmCaller(context), data.id);
  }

  @Handles(RestoreCompany)
  restore({ context, data }: OperationRequest<typeof RestoreCompany>) {
    return this.companies.restore(crmCaller(context), data.id);
  }
}
