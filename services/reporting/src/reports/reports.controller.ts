import { Controller } from '@nestjs/common';
import { GetForecastReport, GetPipelineReport, GetWinRateReport } from '@kinship/contracts/reporting';
import { Handles, type OperationRequest } from '@kinship/messaging';
import { reportCaller } from './report-caller.js';
import { ReportsService } from './reports.service.js';

/** The standard reports' operations (@kinship/contracts/reporting); the gateway validated their input and renders CSV. */
@Controller()
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Handles(GetPipelineReport)
  pipeline({ context, data }: OperationRequest<typeof GetPipelineReport>) {
    return this.reports.pipeline(reportCaller(context), data);
  }

  @Handles(GetForecastReport)
  forecast({ context, data }: OperationRequest<typeof GetForecastReport>) {
    return this.reports.forecast(reportCaller(context), data);
  }

  @Handles(GetWinRateReport)
  winRate({ context, data }: OperationRequest<typeof GetWinRateReport>) {
    return this.reports.winRate(reportCaller(context), data);
  }
}
