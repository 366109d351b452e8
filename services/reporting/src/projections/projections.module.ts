import { Module } from '@nestjs/common';
import { BillingProjection } from './billing.projection.js';
import { CompaniesProjection } from './companies.projection.js';
import { ContactsProjection } from './contacts.projection.js';
import { DealsProjection } from './deals.projection.js';
import { EmailsProjection } from './emails.projection.js';
import { NotesProjection } from './notes.projection.js';
import { PipelinesProjection } from './pipelines.projection.js';
import { ProjectionHandlers } from './projection.js';
import { RecordsProjection } from './records.projection.js';
import { TasksProjection } from './tasks.projection.js';

/** The read models, each kept by its own durable consumer of crm's, billing's or notifications' events. */
@Module({
  exports: [ProjectionHandlers],
  providers: [
    ProjectionHandlers,
    PipelinesProjection,
    DealsProjection,
    ContactsProjection,
    TasksProjection,
    CompaniesProjection,
    NotesProjection,
    EmailsProjection,
    BillingProjection,
    RecordsProjection,
  ],
})
export class ProjectionsModule {}
