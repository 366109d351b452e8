import { OmitType, PickType } from '@nestjs/swagger';
import { defineOperation } from '../operation.js';
import { CrmPageQuery, NOT_FOUND } from './common.js';
import { CreateNoteBody, Note, NotePage } from './notes.js';
import { ObjectRecordParams } from './objects.js';
import { CreateTaskBody, Task, TaskPage } from './tasks.js';
import { TimelinePage } from './timeline.js';

// Notes, tasks and the timeline of a custom object's record (issue 14): the notes and tasks
// features' own rows, with `related` {type: "record", id} set from the path. Files are in files.ts.

/** A note written on the record of the path. */
export class RecordNoteBody extends PickType(CreateNoteBody, ['body'] as const) {}

/** A task about the record of the path. */
export class RecordTaskBody extends OmitType(CreateTaskBody, ['related'] as const) {}

const RECORD_NOT_FOUND = { status: 404, description: 'No live object type with this key, or no such record of it in the workspace.' } as const;

export const ListRecordNotes = defineOperation({
  pattern: 'crm.objects.records.notes.list',
  summary: 'List the notes on a custom object record',
  description: 'Live notes whose related is {type: "record", id}, newest first (as GET /notes?relatedType=record&relatedId=). Needs records:read too.',
  permission: 'notes:read',
  route: { method: 'GET', path: 'objects/:object/records/:id/notes', status: 200 },
  params: ObjectRecordParams,
  input: CrmPageQuery,
  output: NotePage,
  errors: [RECORD_NOT_FOUND],
});

export const CreateRecordNote = defineOperation({
  pattern: 'crm.objects.records.notes.create',
  summary: 'Write a note on a custom object record',
  description: 'As POST /notes with related {type: "record", id}: note.created names the record. The record must be live. Needs records:read too.',
  permission: 'notes:write',
  route: { method: 'POST', path: 'objects/:object/records/:id/notes', status: 201 },
  params: ObjectRecordParams,
  input: RecordNoteBody,
  output: Note,
  errors: [RECORD_NOT_FOUND],
});

export const ListRecordTasks = defineOperation({
  pattern: 'crm.objects.records.tasks.list',
  summary: 'List the tasks about a custom object record',
  description: 'Live tasks whose related is {type: "record", id}, newest first (as GET /tasks?relatedType=record&relatedId=). Needs records:read too.',
  permission: 'tasks:read',
  route: { method: 'GET', path: 'objects/:object/records/:id/tasks', status: 200 },
  params: ObjectRecordParams,
  input: CrmPageQuery,
  output: TaskPage,
  errors: [RECORD_NOT_FOUND],
});

export const CreateRecordTask = defineOperation({
  pattern: 'crm.objects.records.tasks.create',
  summary: 'Create a task about a custom object record',
  description: 'As POST /tasks with related {type: "record", id}; an assignee is notified. The record must be live. Needs records:read too.',
  permission: 'tasks:write',
  route: { method: 'POST', path: 'objects/:object/records/:id/tasks', status: 201 },
  params: ObjectRecordParams,
  input: RecordTaskBody,
  output: Task,
  errors: [RECORD_NOT_FOUND],
});

export const RecordTimeline = defineOperation({
  pattern: 'crm.timeline.record',
  summary: 'Read a custom object record’s timeline',
  description:
    'Newest first: record_created, record_updated (data.changedFields), notes, tasks (created, completed) and files attached. ' +
    'Notes need notes:read, tasks tasks:read, files files:read; the caller sees only the kinds it may read. 404 for an unknown id or another object’s record.',
  permission: 'records:read',
  route: { method: 'GET', path: 'objects/:object/records/:id/timeline', status: 200 },
  params: ObjectRecordParams,
  input: CrmPageQuery,
  output: TimelinePage,
  errors: [NOT_FOUND],
});

export const RECORD_ACTIVITY_OPERATIONS = [ListRecordNotes, CreateRecordNote, ListRecordTasks, CreateRecordTask, RecordTimeline] as const;
