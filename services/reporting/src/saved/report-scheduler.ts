import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { ReportingEvents } from '@kinship/contracts';
import type { Logger } from '@kinship/observability';
import { setWorkspace } from '@kinship/persistence';
import { csvText, DomainEvents, LOGGER } from '@kinship/platform';
import { stringify } from 'csv-stringify/sync';
import { CustomReportsService } from '../custom/custom-reports.service.js';
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

/**
 * Runs the saved reports whose schedule is due: one per transaction, which claims the schedule
 * (FOR UPDATE SKIP LOCKED, so replicas never run one twice), emits report.scheduled_delivery with
 * the CSV and moves the schedule to its next run. The event and the move commit together: a crash
 * before the commit leaves the schedule due, after it the delivery is on its way, never both.
 * A delivery missed while the service was down goes out once when it comes back, not once per
 * missed period. Scheduled reports run over the whole workspace (their recipients were chosen by
 * a manager or above).
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
      const result = await this.reports.runAs(due.workspaceId, null, report.query);
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
          recipientUserIds: report.schedule.recipientUserIds,
          fileName: fileName(report.name, now),
          csv,
          rowCount: result.rows.length,
          truncated: result.truncated,
          generatedAt: now.toISOString(),
        },
      });
      await this.repository.setSchedule(manager, due.workspaceId, report.id, nextRun(report.schedule.frequency, now));
      this.logger.info({ savedReportId: report.id, workspaceId: due.workspaceId, rows: result.rows.length }, 'scheduled report delivered');
      return true;
    });
  }
}
