import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { AuthRpc } from '@kinship/contracts';
import type {
  CreateSavedReportBody,
  CustomReportQuery,
  CustomReportResult,
  ReportScheduleBody,
  SavedReport,
  SavedReportList,
  UpdateSavedReportBody,
} from '@kinship/contracts/reporting';
import { RpcError, ServiceClient, type ErrorDetail } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { newId, withWorkspace } from '@kinship/persistence';
import type { DataSource, EntityManager } from 'typeorm';
import { CustomReportsService } from '../custom/custom-reports.service.js';
import { assertHolds, nestedError } from '../custom/report-permission.js';
import type { ReportCaller } from '../reports/report-caller.js';
import { nextRun } from './schedule.js';
import { SavedReportsRepository, type SavedReportValues } from './saved-reports.repository.js';

/** /reports/saved: custom reports shared in the workspace, each perhaps scheduled to be emailed. */
@Injectable()
export class SavedReportsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: SavedReportsRepository,
    private readonly reports: CustomReportsService,
    private readonly services: ServiceClient,
  ) {}

  async create(caller: ReportCaller, requestId: string, body: CreateSavedReportBody): Promise<SavedReport> {
    assertHolds(caller, 'reports:write');
    const values: SavedReportValues = { name: body.name, query: await this.checkedQuery(caller, body.query), schedule: null };
    if (body.schedule) values.schedule = await this.checkedSchedule(caller, requestId, body.schedule);
    return this.write(caller, (manager) => this.repository.insert(manager, caller.workspaceId, newId(), caller.userId, values));
  }

  async list(caller: ReportCaller): Promise<SavedReportList> {
    assertHolds(caller, 'reports:read');
    return { data: await this.write(caller, (manager) => this.repository.list(manager, caller.workspaceId)) };
  }

  async get(caller: ReportCaller, id: string): Promise<SavedReport> {
    assertHolds(caller, 'reports:read');
    return this.found(await this.write(caller, (manager) => this.repository.find(manager, caller.workspaceId, id)));
  }

  /** The saved query's answer now, scoped as POST /reports/query scopes it. */
  async run(caller: ReportCaller, id: string): Promise<CustomReportResult> {
    const report = await this.get(caller, id);
    return this.reports.run(caller, report.query);
  }

  async update(caller: ReportCaller, requestId: string, id: string, body: UpdateSavedReportBody): Promise<SavedReport> {
    assertHolds(caller, 'reports:write');
    const query = body.query === undefined ? undefined : await this.checkedQuery(caller, body.query);
    const schedule = body.schedule ? await this.checkedSchedule(caller, requestId, body.schedule) : body.schedule;
    return this.write(caller, async (manager) => {
      const current = this.found(await this.repository.find(manager, caller.workspaceId, id, true));
      const currentSchedule = current.schedule ? { ...current.schedule, nextRunAt: new Date(current.schedule.nextRunAt) } : null;
      const values: SavedReportValues = {
        name: body.name ?? current.name,
        query: query ?? current.query,
        schedule: schedule === undefined ? currentSchedule : schedule,
      };
      // A new frequency restarts the schedule; new recipients alone keep its next run.
      const keepsRun = schedule && currentSchedule && schedule.frequency === currentSchedule.frequency;
      if (values.schedule && keepsRun) values.schedule.nextRunAt = currentSchedule.nextRunAt;
      return this.repository.update(manager, caller.workspaceId, id, values, schedule !== undefined && !keepsRun);
    });
  }

  async delete(caller: ReportCaller, id: string): Promise<void> {
    assertHolds(caller, 'reports:write');
    if (!(await this.write(caller, (manager) => this.repository.delete(manager, caller.workspaceId, id)))) throw RpcError.notFound('saved report');
  }

  /**
   * A query that compiles now (so a saved report runs), over records its saver may read (a custom
   * object's: crm answers); details named from the body (query.measures.0.field).
   */
  private async checkedQuery(caller: ReportCaller, query: CustomReportQuery): Promise<CustomReportQuery> {
    try {
      await this.reports.assertMayReadRecords(caller, query);
      await this.reports.compile(caller.workspaceId, query, null);
    } catch (error) {
      throw nestedError('query', error);
    }
    return query;
  }

  /** Every recipient must be a user of the workspace (auth knows them). */
  private async checkedSchedule(caller: ReportCaller, requestId: string, schedule: ReportScheduleBody): Promise<NonNullable<SavedReportValues['schedule']>> {
    const context: RequestContext = { workspaceId: caller.workspaceId, userId: null, role: null, scopes: [], requestId };
    const recipients: string[] = [];
    const problems: ErrorDetail[] = [];
    for (const [index, userId] of schedule.recipientUserIds.entries()) {
      if (recipients.includes(userId)) continue;
      recipients.push(userId);
      try {
        await this.services.send<AuthRpc.Recipient, AuthRpc.RecipientRequest>('auth.users.recipient', { userId }, context);
      } catch (error) {
        if (!(error instanceof RpcError && error.status === 404)) throw error;
        problems.push({ field: `schedule.recipientUserIds.${index}`, issue: 'is not a user of the workspace' });
      }
    }
    if (problems.length > 0) throw RpcError.validation(problems);
    return { frequency: schedule.frequency, recipientUserIds: recipients, nextRunAt: nextRun(schedule.frequency, new Date()) };
  }

  private found(report: SavedReport | null): SavedReport {
    if (!report) throw RpcError.notFound('saved report');
    return report;
  }

  private write<T>(caller: ReportCaller, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return withWorkspace(this.dataSource, caller.workspaceId, work);
  }
}
