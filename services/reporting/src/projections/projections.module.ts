import { Module } from '@nestjs/common';
import { ContactsProjection } from './contacts.projection.js';
import { DealsProjection } from './deals.projection.js';
import { PipelinesProjection } from './pipelines.projection.js';
import { TasksProjection } from './tasks.projection.js';

/** The read models, each kept by its own durable consumer of crm's events. */
@Module({
  providers: [PipelinesProjection, DealsProjection, ContactsProjection, TasksProjection],
})
export class ProjectionsModule {}
