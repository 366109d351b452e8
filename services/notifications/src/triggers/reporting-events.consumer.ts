import { Readable } from 'node:stream';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger } from '@kinship/observability';
import { DomainEvents, FileStore, LOGGER, type EventOf } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import { Notifier } from './notifier.service.js';
import { wantsNotification } from './preferences.js';
import { RecipientDirectory } from './recipient-directory.js';

/** reporting's scheduled deliveries: each recipient gets the report's CSV by email (template report_delivery). */
@Injectable()
export class ReportingEventsConsumer implements OnModuleInit {
  constructor(
    private readonly events: DomainEvents,
    private readonly directory: RecipientDirectory,
    private readonly notifier: Notifier,
    private readonly files: FileStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.events.subscribe('report.scheduled_delivery', { durableName: 'notifications-report-delivery', startFrom: 'new' }, (event, manager) =>
      this.deliver(event, manager),
    );
  }

  private async deliver(event: EventOf<'report.scheduled_delivery'>, manager: EntityManager): Promise<void> {
    const report = event.data;
    const workspaceId = event.workspaceId!;
    // The send job attaches files from the file store; keyed by the event, a redelivery overwrites the same file.
    const fileKey = `report-deliveries/${event.id}.csv`;
    await this.files.put(fileKey, Readable.from([Buffer.from(report.csv, 'utf8')]), { fileName: report.fileName, contentType: 'text/csv', workspaceId });
    for (const userId of report.recipientUserIds) {
      const user = await this.directory.find(workspaceId, userId, event.id);
      if (!user?.active) {
        this.logger.info({ eventId: event.id, type: event.type, userId }, 'nothing sent: the user is missing or deactivated');
        continue;
      }
      if (!wantsNotification(user, 'report_delivery', 'email')) continue;
      // One email per event and recipient: a redelivered event queues nothing more.
      await this.notifier.email(manager, {
        workspaceId,
        dedupeKey: `${event.id}:${userId}`,
        templateKey: 'report_delivery',
        to: user.email,
        recipientUserId: user.userId,
        data: {
          name: user.name,
          reportName: report.name,
          frequency: report.frequency,
          fileName: report.fileName,
          rowCount: String(report.rowCount),
          truncated: report.truncated,
          reportUrl: this.notifier.link(`/reports/saved/${report.savedReportId}`),
        },
        attachments: [{ fileKey, fileName: report.fileName, contentType: 'text/csv; charset=utf-8' }],
      });
    }
  }
}
