import { Controller } from '@nestjs/common';
import { GetAcquisitionReport, GetActivityReport, GetDealVelocityReport, GetLeadConversionReport, GetRevenueReport } from '@kinship/contracts/reporting';
import { Handles, type OperationRequest } from '@kinship/messaging';
import { reportCaller } from '../reports/report-caller.js';
import { StandardReportsService } from './standard-reports.service.js';

/** Lead conversion, revenue, activity, acquisition and deal velocity (@kinship/contracts/reporting); the gateway validated the input and renders files. */
@Controller()
export class StandardReportsController {
  constructor(private readonly reports: StandardReportsService) {}

  @Handles(GetLeadConversionReport)
  leadConversion({ context, data }: OperationRequest<typeof GetLeadConversionReport>) {
    return this.reports.leadConversion(reportCaller(context), data);
  }

  @Handles(GetRevenueReport)
  revenue({ context, data }: OperationRequest<typeof GetRevenueReport>) {
    return this.reports.revenue(reportCaller(context), data);
  }

  @Handles(GetActivityReport)
  activity({ context, data }: OperationRequest<typeof GetActivityReport>) {
    return this.reports.activity(reportCaller(context), data);
  }

  @Handles(GetAcquisitionReport)
  acquisition({ context, data }: OperationRequest<typeof GetAcquisitionReport>) {
    return this.reports.acquisition(reportCaller(context), data);
  }

  @Handles(GetDealVelocityReport)
  dealVelocity({ context, data }: OperationRequest<typeof GetDealVelocityReport>) {
    return this.reports.dealVelocity(reportCaller(context), data);
  }
}
