import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { CrmEvents } from '@kinship/contracts';
import { DomainEvents } from '@kinship/platform';
import type { Queue } from 'bull';
import type { DataSource } from 'typeorm';
import { slaNotices } from './sla-clock.js';
import { SupportSettingsRepository } from './support-settings.repository.js';
import { TicketsRepository } from './tickets.repository.js';
import { eventTicket } from './tickets.service.js';

export const SLA_QUEUE = 'ticket-sla';
/** Every minute: deadlines are set in minutes. */
export const SLA_CHECK_EVERY_MS = 60_000;
/** Tickets one transaction marks; a workspace with more is taken in several. */
const BATCH = 500;

/**
 * Tells each SLA warning and breach once: ticket.sla_warning when a running deadline comes within
 * the workspace's warning window, ticket.sla_breached when it passes, each in the transaction
 * that records it was told (sla_warned, sla_breached) under the ticket's lock, so a second check
 * (another replica, a retried job) tells nothing again. Reads compute `breached` themselves.
 */
@Injectable()
export class SlaMonitor {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    private readonly tickets: TicketsRepository,
    private readonly settings: SupportSettingsRepository,
  ) {}

  /** One pass over every workspace as of `now`; returns how many notices it emitted. */
  async check(now: Date = new Date()): Promise<number> {
    const workspaces: Array<{ workspace_id: string }> = await this.dataSource.query('SELECT workspace_id FROM crm.workspaces_with_sla_due($1)', [now]);
    let total = 0;
    for (const { workspace_id: workspaceId } of workspaces) {
      for (;;) {
        const { notices, full } = await this.events.transaction(workspaceId, async (manager, emit) => {
          const { warningMinutes } = await this.settings.settings(manager, workspaceId);
          const due = await this.tickets.slaAttention(manager, workspaceId, now, warningMinutes, BATCH);
          let emitted = 0;
          const told = due.map((ticket) => ({ ticket, notices: slaNotices(ticket, now, warningMinutes) })).filter(({ notices }) => notices.length > 0);
          await this.tickets.markTold(
            manager,
            workspaceId,
            told.map(({ ticket }) => ({ id: ticket.id, warned: ticket.slaWarned, breached: ticket.slaBreached })),
          );
          for (const { ticket, notices } of told) {
            for (const notice of notices) {
              const data = { ticket: eventTicket(ticket), metric: notice.metric, dueAt: notice.dueAt.toISOString() };
              if (notice.kind === 'warning')
                await emit<CrmEvents.TicketSlaWarning>({ type: 'ticket.sla_warning', workspaceId, actorId: null, aggregateId: ticket.id, data });
              else await emit<CrmEvents.TicketSlaBreached>({ type: 'ticket.sla_breached', workspaceId, actorId: null, aggregateId: ticket.id, data });
            }
            emitted += notices.length;
          }
          return { notices: emitted, full: due.length === BATCH };
        });
        total += notices;
        if (!full) break;
      }
    }
    return total;
  }
}

/** Runs the check through a repeatable Bull job: Redis keeps one schedule, so one replica runs each pass. */
@Processor(SLA_QUEUE)
export class SlaCheckJob implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(SLA_QUEUE) private readonly queue: Queue,
    private readonly monitor: SlaMonitor,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.add({}, { repeat: { every: SLA_CHECK_EVERY_MS }, jobId: 'sla-check', removeOnComplete: true, removeOnFail: 100 });
  }

  @Process()
  async run(): Promise<void> {
    await this.monitor.check();
  }
}
