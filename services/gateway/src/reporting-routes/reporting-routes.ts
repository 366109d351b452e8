import type { Type } from '@nestjs/common';
import { ReportsController } from './reports.controller.js';

/** The routes of API.md "Reporting" built so far, each forwarding to the reporting service. */
export const REPORTING_ROUTE_CONTROLLERS: Type[] = [ReportsController];
