import type { Type } from '@nestjs/common';
import {
  BulkCompanies,
  BulkContacts,
  BulkDeals,
  BulkObjectRecords,
  BulkTasks,
  COMPANY_OPERATIONS,
  CONTACT_OPERATIONS,
  CRM_SETTINGS_OPERATIONS,
  CUSTOM_FIELD_OPERATIONS,
  DEAL_OPERATIONS,
  DUPLICATE_OPERATIONS,
  EXPORT_OPERATIONS,
  IMPORT_OPERATIONS,
  LEAD_CONVERSION_OPERATIONS,
  NOTE_OPERATIONS,
  OBJECT_OPERATIONS,
  PIPELINE_OPERATIONS,
  RECORD_ACTIVITY_OPERATIONS,
  SEGMENT_OPERATIONS,
  TASK_OPERATIONS,
  TIMELINE_OPERATIONS,
  VIEW_OPERATIONS,
} from '@kinship/contracts/crm';
import { contractController } from '../contract-routes/contract-controller.js';
import { ExportFileController } from './exports.controller.js';
import { ImportFileController } from './imports.controller.js';

/** The routes of API.md "CRM": crm's contracts, and controllers for what only HTTP has (file upload and download). */
export const CRM_ROUTE_CONTROLLERS: Type[] = [
  contractController('companies', [...COMPANY_OPERATIONS, BulkCompanies]),
  contractController('custom-fields', CUSTOM_FIELD_OPERATIONS),
  contractController('segments', SEGMENT_OPERATIONS),
  contractController('contacts', [...CONTACT_OPERATIONS, ...DUPLICATE_OPERATIONS, ...LEAD_CONVERSION_OPERATIONS, BulkContacts]),
  contractController('crm-settings', CRM_SETTINGS_OPERATIONS),
  contractController('pipelines', PIPELINE_OPERATIONS),
  contractController('deals', [...DEAL_OPERATIONS, BulkDeals]),
  contractController('tasks', [...TASK_OPERATIONS, BulkTasks]),
  contractController('notes', NOTE_OPERATIONS),
  contractController('objects', [...OBJECT_OPERATIONS, ...RECORD_ACTIVITY_OPERATIONS, BulkObjectRecords]),
  contractController('timeline', TIMELINE_OPERATIONS),
  contractController('views', VIEW_OPERATIONS),
  contractController('imports', IMPORT_OPERATIONS),
  ImportFileController,
  contractController('exports', EXPORT_OPERATIONS),
  ExportFileController,
];
