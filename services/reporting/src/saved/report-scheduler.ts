import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { isRole, roleHolds, type ReportingEvents } from '@kinship/contracts';
import { GetUser } from '@kinship/contracts/auth';
import type { CustomReportQuery, CustomReportResult, SavedReport } from '@kinship/contracts/reporting';
import { callOperation, RpcError, ServiceClient } from '@kinship/messaging';
import type { Logger } from '@kinship/observability';
import { setWorkspace } from '@kinship/persistence';
import { csvText, DomainEvents, LOGGER } from '@kinship/platform';
import { stringify } from 'csv-stringify/sync';
import { CustomReportsService } from '../custom/custom-reports.service.js';
import { scopedOwner, type ReportCaller } from '../reports/report-caller.js';
import { ReportingConfig } from '../reporting.config.js';
import { nextRun } from './schedule.js';
import { SavedReportsRepository } from './saved-reports.repository.js';

function fileName(name: string, at: Date): string {
  const slug =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'report';
  return `${slug}-${at.toISOString().slice(0, 10)}.csv`;
}

/** Why a recipient got nothing: no longer a user, deactivated, their role reads no reports, or none of the object's records. */
type SkipReason = 'not_a_user' | 'deactivated' | 'no_report_access' | 'no_object_access';

/** The recipients who see the same answer: the whole workspace's (ownerId null) or one member's own records. */
interface Audience {
  ownerId: string | null;
  recipientUserIds: string[];
}

/**
 * Runs the saved reports whose schedule is due: one per transaction, which claims the schedule
 * (FOR UPDATE SKIP LOCKED, so replicas never run one twice), emits report.scheduled_delivery with
 * the CSV and moves the schedule to its next run. The event and the move commit together: a crash
 * before the commit leaves the schedule due, after it the delivery is on its way, never both.
 * A delivery missed while the service was down goes out once when it comes back, not once per
 * missed period. Each recipient gets what they would see running the report in the console now:
 * their role and the object's access decide (a member: their own records; no access: nothing, the
 * recipient skipped and logged), so recipients who see the same answer share one delivery.
 */
@Injectable()
export class ReportScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly events: DomainEvents,
    private readonly repository: SavedReportsRepository,
    private readonly reports: CustomReportsService,
    private readonly config: ReportingConfig,
    private readonly services: ServiceClient,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.next(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round;
  }

  private next(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.round = this.runDue().then(
        (more) => this.next(more ? 0 : this.config.REPORT_SCHEDULE_POLL_INTERVAL_MS),
        (error: unknown) => {
          this.logger.error({ err: error }, 'scheduled reports: round failed; trying again');
          this.next(this.config.REPORT_SCHEDULE_POLL_INTERVAL_MS);
        },
      );
    }, delayMs);
    this.timer.unref();
  }

  /** Delivers one due report; true when one was due (there may be more). */
  async runDue(): Promise<boolean> {
    return this.events.transaction(null, async (manager, emit) => {
      const due = await this.repository.claimDue(manager);
      if (!due) return false;
      await setWorkspace(manager, due.workspaceId);
      const report = await this.repository.find(manager, due.workspaceId, due.savedReportId);
      if (!report?.schedule) {
        await this.repository.setSchedule(manager, due.workspaceId, due.savedReportId, null);
        return true;
      }
      const now = new Date();
      const { audiences, skipped } = await this.audiences(due.workspaceId, report.schedule.recipientUserIds, report.query);
      const log = { savedReportId: report.id, workspaceId: due.workspaceId };
      if (skipped.length > 0) this.logger.info({ ...log, skipped, skippedCount: skipped.length }, 'scheduled report: recipients skipped');
      for (const audience of audiences) {
        const result = await this.runFor(due.workspaceId, report, audience);
        if (!result) break;
        const csv = stringify([result.columns.map((column) => column.key), ...result.rows], { cast: { string: csvText, boolean: String } });
        await emit<ReportingEvents.ReportScheduledDelivery>({
          type: 'report.scheduled_delivery',
          workspaceId: due.workspaceId,
          actorId: null,
          aggregateId: report.id,
          data: {
            savedReportId: report.id,
            name: report.name,
            frequency: report.schedule.frequency,
            recipientUserIds: audience.recipientUserIds,
            fileName: fileName(report.name, now),
            csv,
            rowCount: result.rows.length,
            truncated: result.truncated,
            generatedAt: now.toISOString(),
          },
        });
        this.logger.info({ ...log, recipients: audience.recipientUserIds.length, rows: result.rows.length }, 'scheduled report delivered');
      }
      await this.repository.setSchedule(manager, due.workspaceId, report.id, nextRun(report.schedule.frequency, now));
      return true;
    });
  }

  /**
   * The report's answer for an audience; null when it no longer runs (a field or the object removed
   * since it was saved: a 422), logged, so the schedule moves on rather than failing every round.
   */
  private async runFor(workspaceId: string, report: SavedReport, audience: Audience): Promise<CustomReportResult | null> {
    try {
      return await this.reports.runAs(workspaceId, audience.ownerId, report.query);
    } catch (error) {
      if (!(error instanceof RpcError && error.status === 422)) throw error;
      this.logger.warn({ savedReportId: report.id, workspaceId, details: error.details }, 'scheduled report: no longer runs; nothing sent');
      return null;
    }
  }

  /** Each recipient as the user they are now (auth): who sees what (scopedOwner, crm's object access), and who gets nothing. */
  private async audiences(
    workspaceId: string,
    recipientUserIds: string[],
    query: CustomReportQuery,
  ): Promise<{ audiences: Audience[]; skipped: Array<{ userId: string; reason: SkipReason }> }> {
    const audiences = new Map<string | null, Audience>();
    const skipped: Array<{ userId: string; reason: SkipReason }> = [];
    for (const userId of recipientUserIds) {
      const sees = await this.recipientView(workspaceId, userId, query);
      if ('reason' in sees) {
        skipped.push({ userId, reason: sees.reason });
        continue;
      }
      const audience = audiences.get(sees.ownerId) ?? { ownerId: sees.ownerId, recipientUserIds: [] };
      audience.recipientUserIds.push(userId);
      audiences.set(sees.ownerId, audience);
    }
    return { audiences: [...audiences.values()], skipped };
  }

  /** The owner the recipient's answer is confined to (null: the whole workspace), or why they get nothing. */
  private async recipientView(workspaceId: string, userId: string, query: CustomReportQuery): Promise<{ ownerId: string | null } | { reason: SkipReason }> {
    const context = { workspaceId, userId: null, role: null, scopes: [], requestId: randomUUID() };
    const user = await callOperation(this.services, GetUser, { id: userId }, context).catch((error: unknown) => {
      if (error instanceof RpcError && error.status === 404) return null;
      throw error;
    });
    if (!user) return { reason: 'not_a_user' };
    if (user.status === 'deactivated') return { reason: 'deactivated' };
    if (!isRole(user.role) || !roleHolds(user.role, 'reports:read')) return { reason: 'no_report_access' };
    const caller: ReportCaller = { workspaceId, userId, role: user.role, scopes: [] };
    try {
      await this.reports.assertMayReadRecords(caller, query);
    } catch (error) {
      if (error instanceof RpcError && error.status === 403) return { reason: 'no_object_access' };
      // An object deleted since: the run finds it so and sends nothing (runFor).
      if (!(error instanceof RpcError && error.status === 422)) throw error;
    }
    return { ownerId: scopedOwner(caller, undefined) };
  }
}
