import { Controller } from '@nestjs/common';
import { CreateRecordNote, CreateRecordTask, ListRecordNotes, ListRecordTasks, RECORD_FILE_OPERATIONS, RecordTimeline } from '@kinship/contracts/crm';
import { Handles, type OperationRequest } from '@kinship/messaging';
import { crmCaller } from '../common/crm-caller.js';
import { FilesService } from '../files/files.service.js';
import { NotesService } from '../notes/notes.service.js';
import { TasksService } from '../tasks/tasks.service.js';
import { TimelineService } from '../timeline/timeline.service.js';
import { ObjectRecordsService } from './object-records.service.js';

const RECORD_FILES = RECORD_FILE_OPERATIONS.record;

/**
 * A custom object record's notes, tasks, files and timeline: the features' own services, about
 * {type: 'record', id}, once the path's object and record are found (404 for a record of another
 * object, or of an unknown or deleted one).
 */
@Controller()
export class RecordActivityController {
  constructor(
    private readonly records: ObjectRecordsService,
    private readonly notes: NotesService,
    private readonly tasks: TasksService,
    private readonly files: FilesService,
    private readonly timeline: TimelineService,
  ) {}

  @Handles(ListRecordNotes)
  async listNotes({ context, data: { object, id, ...page } }: OperationRequest<typeof ListRecordNotes>) {
    const caller = crmCaller(context);
    await this.records.get(caller, object, id);
    return this.notes.list(caller, { ...page, relatedType: 'record', relatedId: id });
  }

  @Handles(CreateRecordNote)
  async createNote({ context, data: { object, id, ...body } }: OperationRequest<typeof CreateRecordNote>) {
    const caller = crmCaller(context);
    await this.records.getLive(caller, object, id);
    return this.notes.create(caller, { ...body, related: { type: 'record', id } });
  }

  @Handles(ListRecordTasks)
  async listTasks({ context, data: { object, id, ...page } }: OperationRequest<typeof ListRecordTasks>) {
    const caller = crmCaller(context);
    await this.records.get(caller, object, id);
    return this.tasks.list(caller, { ...page, relatedType: 'record', relatedId: id });
  }

  @Handles(CreateRecordTask)
  async createTask({ context, data: { object, id, ...body } }: OperationRequest<typeof CreateRecordTask>) {
    const caller = crmCaller(context);
    await this.records.getLive(caller, object, id);
    return this.tasks.create(caller, { ...body, related: { type: 'record', id } });
  }

  @Handles(RECORD_FILES.list)
  async listFiles({ context, data: { object, id, ...page } }: OperationRequest<typeof RECORD_FILES.list>) {
    const caller = crmCaller(context);
    await this.records.get(caller, object, id);
    return this.files.list(caller, { type: 'record', id }, page);
  }

  @Handles(RECORD_FILES.attach)
  async attachFile({ context, data: { object, id, fileId } }: OperationRequest<typeof RECORD_FILES.attach>) {
    const caller = crmCaller(context);
    await this.records.getLive(caller, object, id, 'write');
    return this.files.attach(caller, { type: 'record', id }, fileId);
  }

  @Handles(RecordTimeline)
  async timelineOf({ context, data: { object, id, ...page } }: OperationRequest<typeof RecordTimeline>) {
    const caller = crmCaller(context);
    await this.records.get(caller, object, id);
    return this.timeline.page(caller, { ...page, id, subjectType: 'record' });
  }
}
