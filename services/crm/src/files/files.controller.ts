import { Controller } from '@nestjs/common';
import { CreateFile, DeleteFile, DescribeFile, GetFileUsage, OpenFile, PrepareUpload, RECORD_FILE_OPERATIONS } from '@kinship/contracts/crm';
import { Handles, type OperationRequest } from '@kinship/messaging';
import { crmCaller } from '../common/crm-caller.js';
import { FilesService } from './files.service.js';

const { contact, company, deal, ticket, note, invoice } = RECORD_FILE_OPERATIONS;

@Controller()
export class FilesController {
  constructor(private readonly files: FilesService) {}

  @Handles(PrepareUpload)
  prepare({ context, data }: OperationRequest<typeof PrepareUpload>) {
    return this.files.prepare(crmCaller(context), data);
  }

  @Handles(CreateFile)
  create({ context, data }: OperationRequest<typeof CreateFile>) {
    return this.files.create(crmCaller(context), data);
  }

  @Handles(OpenFile)
  open({ context, data }: OperationRequest<typeof OpenFile>) {
    return this.files.open(crmCaller(context), data);
  }

  @Handles(DescribeFile)
  describe({ context, data }: OperationRequest<typeof DescribeFile>) {
    return this.files.describe(crmCaller(context), data.id);
  }

  @Handles(DeleteFile)
  async delete({ context, data }: OperationRequest<typeof DeleteFile>) {
    await this.files.delete(crmCaller(context), data.id);
  }

  @Handles(GetFileUsage)
  usage({ context }: OperationRequest<typeof GetFileUsage>) {
    return this.files.usage(crmCaller(context));
  }

  @Handles(contact.list)
  listContact({ context, data }: OperationRequest<typeof contact.list>) {
    return this.files.list(crmCaller(context), { type: 'contact', id: data.id }, data);
  }

  @Handles(company.list)
  listCompany({ context, data }: OperationRequest<typeof company.list>) {
    return this.files.list(crmCaller(context), { type: 'company', id: data.id }, data);
  }

  @Handles(deal.list)
  listDeal({ context, data }: OperationRequest<typeof deal.list>) {
    return this.files.list(crmCaller(context), { type: 'deal', id: data.id }, data);
  }

  @Handles(ticket.list)
  listTicket({ context, data }: OperationRequest<typeof ticket.list>) {
    return this.files.list(crmCaller(context), { type: 'ticket', id: data.id }, data);
  }

  @Handles(note.list)
  listNote({ context, data }: OperationRequest<typeof note.list>) {
    return this.files.list(crmCaller(context), { type: 'note', id: data.id }, data);
  }

  @Handles(invoice.list)
  listInvoice({ context, data }: OperationRequest<typeof invoice.list>) {
    return this.files.list(crmCaller(context), { type: 'invoice', id: data.id }, data);
  }

  @Handles(contact.attach)
  attachContact({ context, data }: OperationRequest<typeof contact.attach>) {
    return this.files.attach(crmCaller(context), { type: 'contact', id: data.id }, data.fileId);
  }

  @Handles(company.attach)
  attachCompany({ context, data }: OperationRequest<typeof company.attach>) {
    return this.files.attach(crmCaller(context), { type: 'company', id: data.id }, data.fileId);
  }

  @Handles(deal.attach)
  attachDeal({ context, data }: OperationRequest<typeof deal.attach>) {
    return this.files.attach(crmCaller(context), { type: 'deal', id: data.id }, data.fileId);
  }

  @Handles(ticket.attach)
  attachTicket({ context, data }: OperationRequest<typeof ticket.attach>) {
    return this.files.attach(crmCaller(context), { type: 'ticket', id: data.id }, data.fileId);
  }

  @Handles(note.attach)
  attachNote({ context, data }: OperationRequest<typeof note.attach>) {
    return this.files.attach(crmCaller(context), { type: 'note', id: data.id }, data.fileId);
  }

  @Handles(invoice.attach)
  attachInvoice({ context, data }: OperationRequest<typeof invoice.attach>) {
    return this.files.attach(crmCaller(context), { type: 'invoice', id: data.id }, data.fileId);
  }
}
