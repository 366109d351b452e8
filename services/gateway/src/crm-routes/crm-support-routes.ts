import type { Type } from '@nestjs/common';
import { BulkTickets, SUPPORT_SETTINGS_OPERATIONS, TICKET_OPERATIONS } from '@kinship/contracts/crm';
import { contractController } from '../contract-routes/contract-controller.js';

/** The routes of API.md "Support and files" built so far, served from crm's contracts. */
export const CRM_SUPPORT_ROUTE_CONTROLLERS: Type[] = [
  contractController('tickets', [...TICKET_OPERATIONS, BulkTickets]),
  contractController('support-settings', SUPPORT_SETTINGS_OPERATIONS),
];
