import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type {
  CreateDashboardBody,
  Dashboard,
  DashboardList,
  DashboardView,
  DashboardWidget,
  DashboardWidgetBody,
  DashboardWidgetRef,
  MyDashboard,
  UpdateDashboardBody,
} from '@kinship/contracts/reporting';
import { RpcError } from '@kinship/messaging';
import { newId, withWorkspace } from '@kinship/persistence';
import type { DataSource, EntityManager } from 'typeorm';
import { CustomReportsService } from '../custom/custom-reports.service.js';
import { assertHolds } from '../custom/report-permission.js';
import { scopedOwner, type ReportCaller } from '../reports/report-caller.js';
import { SavedReportsRepository } from '../saved/saved-reports.repository.js';
import { DashboardsRepository } from './dashboards.repository.js';
import { dashboardScope, roleWidgets } from './role-widgets.js';

/** GET /dashboards/me (the widgets of the caller's role) and custom dashboards of saved reports. */
@Injectable()
export class DashboardsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: DashboardsRepository,
    private readonly savedReports: SavedReportsRepository,
    private readonly reports: CustomReportsService,
  ) {}

  async mine(caller: ReportCaller): Promise<MyDashboard> {
    const ownerId = scopedOwner(caller, undefined);
    const scope = dashboardScope(caller);
    const widgets = await Promise.all(
      roleWidgets(scope, new Date()).map(async (widget): Promise<DashboardWidget> => {
        const { columns, rows, truncated, asOf, lagMs } = await this.reports.runAs(caller.workspaceId, ownerId, widget.query);
        return { key: widget.key, title: widget.title, kind: widget.kind, savedReportId: null, data: { columns, rows, truncated }, asOf, lagMs };
      }),
    );
    return { scope, widgets };
  }

  async create(caller: ReportCaller, body: CreateDashboardBody): Promise<Dashboard> {
    assertHolds(caller, 'reports:write');
    return this.read(caller, async (manager) => {
      const widgets = await this.checkedWidgets(manager, caller, body.widgets);
      return this.repository.insert(manager, caller.workspaceId, { id: newId(), name: body.name, widgets, createdBy: caller.userId });
    });
  }

  async list(caller: ReportCaller): Promise<DashboardList> {
    assertHolds(caller, 'reports:read');
    return { data: await this.read(caller, (manager) => this.repository.list(manager, caller.workspaceId)) };
  }

  /** Each widget runs its saved report now, scoped as the caller's own queries are. */
  async get(caller: ReportCaller, id: string): Promise<DashboardView> {
    const ownerId = scopedOwner(caller, undefined);
    const { dashboard, queries } = await this.read(caller, async (manager) => {
      const found = await this.repository.find(manager, caller.workspaceId, id);
      if (!found) throw RpcError.notFound('dashboard');
      const reports = await Promise.all(found.widgets.map((widget) => this.savedReports.find(manager, caller.workspaceId, widget.savedReportId)));
      return { dashboard: found, queries: reports };
    });
    const widgets = await Promise.all(
      dashboard.widgets.map(async (widget, index): Promise<DashboardWidget> => {
        const report = queries[index];
        const base = { key: `${index}-${widget.savedReportId}`, kind: 'saved_report' as const, savedReportId: widget.savedReportId };
        if (!report) return { ...base, title: widget.title ?? 'Deleted report', data: null, asOf: null, lagMs: null };
        // A report over records of a custom object the caller may not read shows nothing, as a deleted one.
        const readable = await this.reports.assertMayReadRecords(caller, report.query).then(
          () => true,
          (error: unknown) => {
            if (error instanceof RpcError && (error.status === 403 || error.status === 422)) return false;
            throw error;
          },
        );
        if (!readable) return { ...base, title: widget.title ?? report.name, data: null, asOf: null, lagMs: null };
        // A report naming an object's field removed since no longer runs (422): it shows nothing too.
        const result = await this.reports.runAs(caller.workspaceId, ownerId, report.query).catch((error: unknown) => {
          if (error instanceof RpcError && error.status === 422) return null;
          throw error;
        });
        if (!result) return { ...base, title: widget.title ?? report.name, data: null, asOf: null, lagMs: null };
        const { columns, rows, truncated, asOf, lagMs } = result;
        return { ...base, title: widget.title ?? report.name, data: { columns, rows, truncated }, asOf, lagMs };
      }),
    );
    return { ...dashboard, widgets };
  }

  async update(caller: ReportCaller, id: string, body: UpdateDashboardBody): Promise<Dashboard> {
    assertHolds(caller, 'reports:write');
    return this.read(caller, async (manager) => {
      const widgets = body.widgets ? await this.checkedWidgets(manager, caller, body.widgets) : undefined;
      const updated = await this.repository.update(manager, caller.workspaceId, id, { name: body.name, widgets });
      if (!updated) throw RpcError.notFound('dashboard');
      return updated;
    });
  }

  async delete(caller: ReportCaller, id: string): Promise<void> {
    assertHolds(caller, 'reports:write');
    if (!(await this.read(caller, (manager) => this.repository.delete(manager, caller.workspaceId, id)))) throw RpcError.notFound('dashboard');
  }

  /** Every widget must show a saved report of the workspace (another workspace's ids are unknown here). */
  private async checkedWidgets(manager: EntityManager, caller: ReportCaller, widgets: DashboardWidgetBody[]): Promise<DashboardWidgetRef[]> {
    const existing = await this.savedReports.existing(
      manager,
      caller.workspaceId,
      widgets.map((widget) => widget.savedReportId),
    );
    const problems = widgets.flatMap((widget, index) =>
      existing.has(widget.savedReportId) ? [] : [{ field: `widgets.${index}.savedReportId`, issue: 'is not a saved report of the workspace' }],
    );
    if (problems.length > 0) throw RpcError.validation(problems);
    return widgets.map((widget) => ({ savedReportId: widget.savedReportId, title: widget.title ?? null }));
  }

  private read<T>(caller: ReportCaller, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return withWorkspace(this.dataSource, caller.workspaceId, work);
  }
}
