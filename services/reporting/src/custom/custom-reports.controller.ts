import { Controller } from '@nestjs/common';
import { RunCustomReport } from '@kinship/contracts/reporting';
import { Handles, type OperationRequest } from '@kinship/messaging';
import { reportCaller } from '../reports/report-caller.js';
import { CustomReportsService } from './custom-reports.service.js';

/** reporting.custom.query (@kinship/contracts/reporting); the gateway validated the body's shape, the service its fields. */
@Controller()
export class CustomReportsController {
  constructor(private readonly reports: CustomReportsService) {}

  @Handles(RunCustomReport)
  query({ context, data }: OperationRequest<typeof RunCustomReport>) {
    return this.reports.run(reportCaller(context), data);
  }
}
