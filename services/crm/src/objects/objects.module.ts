import { Module } from '@nestjs/common';
import { CrmFilesModule } from '../files/files.module.js';
import { NotesModule } from '../notes/notes.module.js';
import { TasksModule } from '../tasks/tasks.module.js';
import { TimelineModule } from '../timeline/timeline.module.js';
import { ObjectCatalog } from './object-catalog.js';
import { ObjectRecordsService } from './object-records.service.js';
import { ObjectsController } from './objects.controller.js';
import { ObjectsRepository } from './objects.repository.js';
import { ObjectsService } from './objects.service.js';
import { RecordActivityController } from './record-activity.controller.js';

/** crm.objects.* (custom object types and their fields), crm.objects.records.* (their records, with their notes, tasks and files) and crm.timeline.record. */
@Module({
  imports: [NotesModule, TasksModule, CrmFilesModule, TimelineModule],
  controllers: [ObjectsController, RecordActivityController],
  providers: [ObjectsService, ObjectRecordsService, ObjectsRepository, ObjectCatalog],
  exports: [ObjectCatalog, ObjectRecordsService],
})
export class ObjectsModule {}
