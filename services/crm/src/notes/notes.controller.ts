import { Controller } from '@nestjs/common';
import { CreateNote, DeleteNote, GetNote, ListNotes, RestoreNote, UpdateNote } from '@kinship/contracts/crm';
import { Handles, type OperationRequest } from '@kinship/messaging';
import { crmCaller } from '../common/crm-caller.js';
import { NotesService } from './notes.service.js';

@Controller()
export class NotesController {
  constructor(private readonly notes: NotesService) {}

  @Handles(CreateNote)
  create({ context, data }: OperationRequest<typeof CreateNote>) {
    return this.notes.create(crmCaller(context), data);
  }

  @Handles(GetNote)
  get({ context, data }: OperationRequest<typeof GetNote>) {
    return this.notes.get(crmCaller(context), data.id);
  }

  @Handles(ListNotes)
  list({ context, data }: OperationRequest<typeof ListNotes>) {
    return this.notes.list(crmCaller(context), data);
  }

  @Handles(UpdateNote)
  update({ context, data }: OperationRequest<typeof UpdateNote>) {
    return this.notes.update(crmCaller(context), data);
  }

  @Handles(DeleteNote)
  async delete({ context, data }: OperationRequest<typeof DeleteNote>) {
    await this.notes.delete(crmCaller(context), data.id);
  }

  @Handles(RestoreNote)
  restore({ context, data }: OperationRequest<typeof RestoreNote>) {
    return this.notes.restore(crmCaller(context), data.id);
  }
}
