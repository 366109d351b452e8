import type { Type } from '@nestjs/common';
import { REBUILD_OPERATIONS } from '@kinship/contracts/reporting';
import { contractController } from '../contract-routes/contract-controller.js';
import { ReportsController } from './reports.controller.js';

/** The routes of API.md "Reporting" built so far, each forwarding to the reporting service. */
export const REPORTING_ROUTE_CONTROLLERS: Type[] = [ReportsController, contractController('reports', REBUILD_OPERATIONS)];
