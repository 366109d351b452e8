import { Controller } from '@nestjs/common';
import { CreateSavedReport, DeleteSavedReport, GetSavedReport, ListSavedReports, RunSavedReport, UpdateSavedReport } from '@kinship/contracts/reporting';
import { Handles, type OperationRequest } from '@kinship/messaging';
import { reportCaller } from '../reports/report-caller.js';
import { SavedReportsService } from './saved-reports.service.js';

/** reporting.saved.* (@kinship/contracts/reporting). */
@Controller()
export class SavedReportsController {
  constructor(private readonly saved: SavedReportsService) {}

  @Handles(CreateSavedReport)
  create({ context, data }: OperationRequest<typeof CreateSavedReport>) {
    return this.saved.create(reportCaller(context), context.requestId, data);
  }

  @Handles(ListSavedReports)
  list({ context }: OperationRequest<typeof ListSavedReports>) {
    return this.saved.list(reportCaller(context));
  }

  @Handles(GetSavedReport)
  get({ context, data }: OperationRequest<typeof GetSavedReport>) {
    return this.saved.get(reportCaller(context), data.id);
  }

  @Handles(RunSavedReport)
  run({ context, data }: OperationRequest<typeof RunSavedReport>) {
    return this.saved.run(reportCaller(context), data.id);
  }

  @Handles(UpdateSavedReport)
  update({ context, data: { id, ...changes } }: OperationRequest<typeof UpdateSavedReport>) {
    return this.saved.update(reportCaller(context), context.requestId, id, changes);
  }

  @Handles(DeleteSavedReport)
  delete({ context, data }: OperationRequest<typeof DeleteSavedReport>) {
    return this.saved.delete(reportCaller(context), data.id);
  }
}
