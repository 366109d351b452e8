import type { ServiceDefinition } from '@kinship/platform';
import { installationSecretsMigration, messagingTablesMigration, QueuesModule } from '@kinship/platform';
import { BulkModule } from './bulk/bulk.module.js';
import { CursorsModule } from './common/cursors.js';
import { CustomersModule } from './customers/customers.module.js';
import { CompaniesModule } from './companies/companies.module.js';
import { ContactsModule } from './contacts/contacts.module.js';
import { CrmConfig } from './crm.config.js';
import { DuplicatesModule } from './duplicates/duplicates.module.js';
import { CustomFieldsModule } from './custom-fields/custom-fields.module.js';
import { DealsModule } from './deals/deals.module.js';
import { ExportsModule } from './exports/exports.module.js';
import { FILE_SWEEP_QUEUE } from './files/file-sweep.js';
import { CrmFilesModule } from './files/files.module.js';
import { EXPORTS_QUEUE } from './exports/exports.processor.js';
import { ImportsModule } from './imports/imports.module.js';
import { importsQueue } from './imports/imports.processor.js';
import { CrmTables1764633600000 } from './migrations/1764633600000-crm-tables.js';
import { TasksNotesLists1764634200000 } from './migrations/1764634200000-tasks-notes-lists.js';
import { DealsListIndexes1764634300000 } from './migrations/1764634300000-deals-list-indexes.js';
import { ContactDuplicates1764634600000 } from './migrations/1764634600000-contact-duplicates.js';
import { Imports1764635000000 } from './migrations/1764635000000-imports.js';
import { Exports1764635100000 } from './migrations/1764635100000-exports.js';
import { SearchOperatorsLeakproof1764635200000 } from './migrations/1764635200000-search-operators-leakproof.js';
import { ContactDetails1765200000000 } from './migrations/1765200000000-contact-details.js';
import { Files1765300000000 } from './migrations/1765300000000-files.js';
import { InvoiceFiles1765400000000 } from './migrations/1765400000000-invoice-files.js';
import { FileSweep1765400100000 } from './migrations/1765400100000-file-sweep.js';
import { ImportDateFormat1765450000000 } from './migrations/1765450000000-import-date-format.js';
import { CustomObjects1765500000000 } from './migrations/1765500000000-custom-objects.js';
import { ContactImportWrites1765720000000 } from './migrations/1765720000000-contact-import-writes.js';
import { ObjectRecordActivity1765730000000 } from './migrations/1765730000000-object-record-activity.js';
import { RecordExports1765730100000 } from './migrations/1765730100000-record-exports.js';
import { RecordImports1765740000000 } from './migrations/1765740000000-record-imports.js';
import { ObjectAccess1765740100000 } from './migrations/1765740100000-object-access.js';
import { ObjectRecordsAnalyze1765740200000 } from './migrations/1765740200000-object-records-analyze.js';
import { Views1765770000000 } from './migrations/1765770000000-views.js';
import { ObjectRecordEmails1765780000000 } from './migrations/1765780000000-object-record-emails.js';
import { SharedViews1765800000000 } from './migrations/1765800000000-shared-views.js';
import { ViewDefaults1765840000000 } from './migrations/1765840000000-view-defaults.js';
import { DealBoardPositions1765850000000 } from './migrations/1765850000000-deal-board-positions.js';
import { ObjectsModule } from './objects/objects.module.js';
import { PipelinesModule } from './pipelines/pipelines.module.js';
import { SegmentsModule } from './segments/segments.module.js';
import { CrmSettingsModule } from './settings/crm-settings.module.js';
import { NotesModule } from './notes/notes.module.js';
import { TasksModule } from './tasks/tasks.module.js';
import { Tickets1765120000000 } from './tickets/1765120000000-tickets.js';
import { TicketEmail1765130000000 } from './tickets/email/1765130000000-ticket-email.js';
import { SLA_QUEUE } from './tickets/sla-monitor.js';
import { TicketsModule } from './tickets/tickets.module.js';
import { InboundSmsModule } from './inbound-sms/inbound-sms.module.js';
import { TimelineModule } from './timeline/timeline.module.js';
import { ViewsModule } from './views/views.module.js';

/** The crm service: contacts, companies, pipelines, deals, tasks, notes, segments, imports, exports, support tickets, files and custom objects. */
export const crmService = {
  name: 'crm',
  configSchema: CrmConfig,
  database: {
    schema: 'crm',
    migrations: [
      messagingTablesMigration('crm'),
      CrmTables1764633600000,
      TasksNotesLists1764634200000,
      DealsListIndexes1764634300000,
      ContactDuplicates1764634600000,
      Imports1764635000000,
      Exports1764635100000,
      SearchOperatorsLeakproof1764635200000,
      installationSecretsMigration('crm'),
      Tickets1765120000000,
      TicketEmail1765130000000,
      ContactDetails1765200000000,
      Files1765300000000,
      InvoiceFiles1765400000000,
      FileSweep1765400100000,
      ImportDateFormat1765450000000,
      CustomObjects1765500000000,
      ContactImportWrites1765720000000,
      ObjectRecordActivity1765730000000,
      RecordExports1765730100000,
      RecordImports1765740000000,
      ObjectAccess1765740100000,
      ObjectRecordsAnalyze1765740200000,
      Views1765770000000,
      ObjectRecordEmails1765780000000,
      SharedViews1765800000000,
      ViewDefaults1765840000000,
      DealBoardPositions1765850000000,
    ],
  },
  features: (config) => [
    CursorsModule,
    CustomersModule,
    CustomFieldsModule,
    CompaniesModule,
    ContactsModule,
    CrmSettingsModule,
    PipelinesModule,
    DealsModule,
    TasksModule,
    NotesModule,
    TimelineModule,
    SegmentsModule,
    DuplicatesModule,
    QueuesModule.register([importsQueue(config), EXPORTS_QUEUE, SLA_QUEUE, FILE_SWEEP_QUEUE]),
    ImportsModule,
    ExportsModule,
    TicketsModule,
    InboundSmsModule,
    CrmFilesModule,
    ObjectsModule,
    ViewsModule,
    BulkModule,
  ],
} satisfies ServiceDefinition<CrmConfig>;
