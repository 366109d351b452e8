import type { Type } from '@nestjs/common';
import { COMPANY_OPERATIONS, CONTACT_OPERATIONS } from '@kinship/contracts/crm';
import { contractController } from '../contract-routes/contract-controller.js';
import { CrmSettingsController } from './crm-settings.controller.js';
import { CustomFieldsController } from './custom-fields.controller.js';
import { ExportsController } from './exports.controller.js';
import { ContactDuplicatesController } from './duplicates.controller.js';
import { SegmentsController } from './segments.controller.js';
import { DealsController } from './deals.controller.js';
import { ImportsController } from './imports.controller.js';
import { LeadConversionController } from './lead-conversion.controller.js';
import { NotesController } from './notes.controller.js';
import { PipelinesController } from './pipelines.controller.js';
import { TasksController } from './tasks.controller.js';
import { TimelineController } from './timeline.controller.js';

/** The routes of API.md "CRM": crm's contracts, and controllers for what only HTTP has (file upload and download). */
export const CRM_ROUTE_CONTROLLERS: Type[] = [contractController('companies', COMPANY_OPERATIONS), CustomFieldsController, SegmentsController, ContactDuplicatesController, contractController('contacts', CONTACT_OPERATIONS), CrmSettingsController, PipelinesController, DealsController, LeadConversionController, TasksController, NotesController, TimelineController, ImportsController, ExportsController];
