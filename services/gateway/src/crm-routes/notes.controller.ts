import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { RequirePermission } from '../access/route-access.js';
import { Caller } from '../http/caller-context.js';
import { CreateNoteBody, ListNotesQuery, NotePageResponse, NoteResponse, UpdateNoteBody } from './notes.dto.js';
import { RecordIdParams } from './tasks.dto.js';

const MEMBERS = 'Members change only the notes they wrote; managers and up any note.';

@ApiTags('notes')
@Controller('notes')
export class NotesController {
  constructor(private readonly services: ServiceClient) {}

  @Post()
  @RequirePermission('notes:write')
  @ApiCreatedResponse({ type: NoteResponse, description: 'The caller is the author. 422 names the field; related must be a live record of the workspace.' })
  create(@Body() body: CreateNoteBody, @Caller() caller: RequestContext): Promise<NoteResponse> {
    return this.services.send('crm.notes.create', body, caller);
  }

  @Get()
  @RequirePermission('notes:read')
  @ApiOkResponse({ type: NotePageResponse, description: 'Sort by createdAt (default -createdAt); q matches words of the body by prefix, and parts of it.' })
  list(@Query() query: ListNotesQuery, @Caller() caller: RequestContext): Promise<NotePageResponse> {
    return this.services.send('crm.notes.list', query, caller);
  }

  @Get(':id')
  @RequirePermission('notes:read')
  @ApiOkResponse({ type: NoteResponse, description: 'Live or deleted (deletedAt set).' })
  get(@Param() params: RecordIdParams, @Caller() caller: RequestContext): Promise<NoteResponse> {
    return this.services.send('crm.notes.get', { id: params.id }, caller);
  }

  @Patch(':id')
  @RequirePermission('notes:write')
  @ApiOkResponse({ type: NoteResponse, description: `Absent fields stay. 404 for a deleted note. ${MEMBERS}` })
  update(@Param() params: RecordIdParams, @Body() body: UpdateNoteBody, @Caller() caller: RequestContext): Promise<NoteResponse> {
    return this.services.send('crm.notes.update', { ...body, id: params.id }, caller);
  }

  @Delete(':id')
  @RequirePermission('notes:write')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: `Soft delete: restorable. ${MEMBERS}` })
  async delete(@Param() params: RecordIdParams, @Caller() caller: RequestContext): Promise<void> {
    await this.services.send('crm.notes.delete', { id: params.id }, caller);
  }

  @Post(':id/restore')
  @RequirePermission('notes:write')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: NoteResponse, description: 'A live note is returned unchanged.' })
  restore(@Param() params: RecordIdParams, @Caller() caller: RequestContext): Promise<NoteResponse> {
    return this.services.send('crm.notes.restore', { id: params.id }, caller);
  }
}
