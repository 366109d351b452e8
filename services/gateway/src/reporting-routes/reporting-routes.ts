import type { Type } from '@nestjs/common';
import { CUSTOM_REPORT_OPERATIONS, DASHBOARD_OPERATIONS, REBUILD_OPERATIONS, SAVED_REPORT_OPERATIONS } from '@kinship/contracts/reporting';
import { contractController } from '../contract-routes/contract-controller.js';
import { ReportsController } from './reports.controller.js';

/** The routes of API.md "Reporting" built so far, each forwarding to the reporting service. */
export const REPORTING_ROUTE_CONTROLLERS: Type[] = [
  ReportsController,
  contractController('custom-reports', CUSTOM_REPORT_OPERATIONS),
  contractController('saved-reports', SAVED_REPORT_OPERATIONS),
  contractController('dashboards', DASHBOARD_OPERATIONS),
  contractController('reports', REBUILD_OPERATIONS),
];
