import { Controller } from '@nestjs/common';
import { CreateDashboard, DeleteDashboard, GetDashboard, GetMyDashboard, ListDashboards, UpdateDashboard } from '@kinship/contracts/reporting';
import { Handles, type OperationRequest } from '@kinship/messaging';
import { reportCaller } from '../reports/report-caller.js';
import { DashboardsService } from './dashboards.service.js';

/** reporting.dashboards.* (@kinship/contracts/reporting). */
@Controller()
export class DashboardsController {
  constructor(private readonly dashboards: DashboardsService) {}

  @Handles(GetMyDashboard)
  mine({ context }: OperationRequest<typeof GetMyDashboard>) {
    return this.dashboards.mine(reportCaller(context));
  }

  @Handles(CreateDashboard)
  create({ context, data }: OperationRequest<typeof CreateDashboard>) {
    return this.dashboards.create(reportCaller(context), data);
  }

  @Handles(ListDashboards)
  list({ context }: OperationRequest<typeof ListDashboards>) {
    return this.dashboards.list(reportCaller(context));
  }

  @Handles(GetDashboard)
  get({ context, data }: OperationRequest<typeof GetDashboard>) {
    return this.dashboards.get(reportCaller(context), data.id);
  }

  @Handles(UpdateDashboard)
  update({ context, data: { id, ...changes } }: OperationRequest<typeof UpdateDashboard>) {
    return this.dashboards.update(reportCaller(context), id, changes);
  }

  @Handles(DeleteDashboard)
  delete({ context, data }: OperationRequest<typeof DeleteDashboard>) {
    return this.dashboards.delete(reportCaller(context), data.id);
  }
}
