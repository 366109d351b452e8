import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ValidRequest, type RpcRequest } from '@kinship/messaging';
import { crmCaller } from '../common/crm-caller.js';
import { CreateNoteDto } from './dto/create-note.dto.js';
import { ListNotesDto } from './dto/list-notes.dto.js';
import { NoteIdDto } from './dto/note-id.dto.js';
import { UpdateNoteDto } from './dto/update-note.dto.js';
import type { Note } from './notes.repository.js';
import { NotesService, type NotePage } from './notes.service.js';

@Controller()
export class NotesController {
  constructor(private readonly notes: NotesService) {}

  @MessagePattern('crm.notes.create')
  create(@Payload(new ValidRequest(CreateNoteDto)) request: RpcRequest<CreateNoteDto>): Promise<Note> {
    return this.notes.create(crmCaller(request.context), request.data);
  }

  @MessagePattern('crm.notes.get')
  get(@Payload(new ValidRequest(NoteIdDto)) request: RpcRequest<NoteIdDto>): Promise<Note> {
    return this.notes.get(crmCaller(request.context), request.data.id);
  }

  @MessagePattern('crm.notes.list')
  list(@Payload(new ValidRequest(ListNotesDto)) request: RpcRequest<ListNotesDto>): Promise<NotePage> {
    return this.notes.list(crmCaller(request.context), request.data);
  }

  @MessagePattern('crm.notes.update')
  update(@Payload(new ValidRequest(UpdateNoteDto)) request: RpcRequest<UpdateNoteDto>): Promise<Note> {
    return this.notes.update(crmCaller(request.context), request.data);
  }

  @MessagePattern('crm.notes.delete')
  async delete(@Payload(new ValidRequest(NoteIdDto)) request: RpcRequest<NoteIdDto>): Promise<Record<string, never>> {
    await this.notes.delete(crmCaller(request.context), request.data.id);
    return {};
  }

  @MessagePattern('crm.notes.restore')
  restore(@Payload(new ValidRequest(NoteIdDto)) request: RpcRequest<NoteIdDto>): Promise<Note> {
    return this.notes.restore(crmCaller(request.context), request.data.id);
  }
}
