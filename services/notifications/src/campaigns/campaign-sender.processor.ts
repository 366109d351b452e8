import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, type OnModuleDestroy } from '@nestjs/common';
import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { InjectDataSource } from '@nestjs/typeorm';
import type { NotificationsEvents } from '@kinship/contracts';
import { RpcError } from '@kinship/messaging';
import type { Logger } from '@kinship/observability';
import { newId, withWorkspace } from '@kinship/persistence';
import { DomainEvents, LOGGER } from '@kinship/platform';
import type { Job, Queue } from 'bull';
import type { DataSource } from 'typeorm';
import { SmsDeliveryReports } from '../delivery/sms-delivery-reports.repository.js';
import { SmsSender } from '../delivery/sms/sms-sender.js';
import { NotificationsConfig } from '../notifications.config.js';
import { CAMPAIGNS_QUEUE } from '../queues.js';
import { CampaignAudienceSource, type AudienceMember } from './campaign-audience.js';
import { CampaignContent } from './campaign-content.js';
import { CampaignJobs, RESOLVE_AUDIENCE_JOB, SEND_LANE_JOB, type CampaignJob, type SendLaneJob } from './campaign-jobs.js';
import { CampaignMailer } from './campaign-mailer.js';
import { CampaignMetrics } from './campaign-metrics.js';
import { CampaignRecipientsRepository, type ClaimedRecipient, type NewRecipient, type SentRecipient } from './campaign-recipients.repository.js';
import { CampaignSources } from './campaign-sources.js';
import { CampaignThrottle } from './campaign-throttle.js';
import type { CampaignChannel, CampaignRecord } from './campaign.record.js';
import { CampaignsRepository } from './campaigns.repository.js';
import { UnsubscribeTokens } from './unsubscribe-tokens.js';

/** Sends taken from the throttle at a time. */
const THROTTLE_GROUP = 20;
/** Sent recipients written at a time: bounds what a killed worker leaves unrecorded. */
const SENT_FLUSH = 20;
/** A lane with nothing to claim waits this long between looks... */
const IDLE_POLL_MS = 200;
/** ...and gives up after this long; the runner adds it again while the campaign is sending. */
const IDLE_LIMIT_MS = 3000;

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** SMTP 5xx is a refusal for good; anything else (4xx, a dropped connection, a timeout) may pass later. */
function isPermanent(error: unknown): boolean {
  const code = (error as { responseCode?: number }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

function recipientOf(member: AudienceMember, channel: CampaignChannel, id: string): NewRecipient {
  const address = channel === 'email' ? member.email : member.phone;
  const optedOut = channel === 'email' ? member.emailOptOut : member.smsOptOut;
  if (optedOut) return { id, contactId: member.id, address, fields: {}, status: 'skipped_opted_out' };
  if (!address) return { id, contactId: member.id, address: null, fields: {}, status: 'skipped_no_address' };
  const { firstName, lastName, email, phone, jobTitle, companyName, lifecycleStage, customFields } = member;
  return {
    id,
    contactId: member.id,
    address,
    fields: { firstName, lastName, email, phone, jobTitle, companyName, lifecycleStage, customFields },
    status: 'queued',
  };
}

/**
 * Writes sent recipients in groups as the server accepts them; one flush at a time, in order.
 * What a killed worker had sent but not written is sent again after its lease (docs/campaigns.md).
 */
class SentLog {
  private pending: SentRecipient[] = [];
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly write: (sent: SentRecipient[]) => Promise<void>) {}

  add(recipient: SentRecipient): void {
    this.pending.push(recipient);
    if (this.pending.length >= SENT_FLUSH) this.flush();
  }

  async close(): Promise<void> {
    this.flush();
    await this.writing;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const group = this.pending;
    this.pending = [];
    this.writing = this.writing.then(() => this.write(group));
  }
}

/**
 * The batch path of campaigns. resolve-audience turns crm's pages into recipient rows in bulk
 * (opted-out and address-less contacts are written as skipped), remembering its cursor; each
 * send-lane claims recipients (committed as 'sending' before anything leaves), sends them through
 * the pooled mailer at the throttled rate, and marks them sent as the server accepts them.
 * Cancelling stops both at their next step; shutting down stops them after the batch in hand.
 */
@Processor(CAMPAIGNS_QUEUE)
export class CampaignSenderProcessor implements OnModuleDestroy {
  private stopping = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    @InjectQueue(CAMPAIGNS_QUEUE) private readonly queue: Queue,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly config: NotificationsConfig,
    private readonly campaigns: CampaignsRepository,
    private readonly recipients: CampaignRecipientsRepository,
    private readonly audience: CampaignAudienceSource,
    private readonly sources: CampaignSources,
    private readonly jobs: CampaignJobs,
    private readonly mailer: CampaignMailer,
    private readonly sms: SmsSender,
    private readonly reports: SmsDeliveryReports,
    private readonly throttle: CampaignThrottle,
    private readonly tokens: UnsubscribeTokens,
    private readonly metrics: CampaignMetrics,
  ) {}

  onModuleDestroy(): void {
    this.stopping = true;
  }

  private get stopped(): boolean {
    return this.stopping || Boolean((this.queue as unknown as { closing?: Promise<void> }).closing);
  }

  @Process({ name: RESOLVE_AUDIENCE_JOB, concurrency: 2 })
  async resolveAudience(job: Job<CampaignJob>): Promise<void> {
    const { workspaceId, campaignId } = job.data;
    const campaign = await withWorkspace(this.dataSource, workspaceId, (manager) => this.campaigns.find(manager, workspaceId, campaignId));
    if (!campaign || campaign.status !== 'sending' || campaign.audienceResolvedAt) return;
    let cursor = campaign.audienceCursor;
    while (!this.stopped) {
      let page;
      try {
        page = await this.audience.page(workspaceId, campaign.audience, cursor);
      } catch (error) {
        // The crm refuses the audience itself (a deleted segment, a filter no longer valid): the campaign cannot be sent.
        if (error instanceof RpcError && (error.status === 404 || error.status === 422)) {
          await withWorkspace(this.dataSource, workspaceId, (manager) =>
            this.campaigns.fail(manager, workspaceId, campaignId, `The audience could not be resolved: ${error.message}`),
          );
          this.logger.warn({ campaignId, workspaceId, err: error }, 'campaign failed: audience refused by crm');
          return;
        }
        throw error;
      }
      const resolved = page.nextCursor === null;
      const lastId = page.data.at(-1)?.id ?? null;
      const rows = page.data.map((member) => recipientOf(member, campaign.channel, newId()));
      const written = await withWorkspace(this.dataSource, workspaceId, async (manager) => {
        // FOR SHARE: a cancel waits until this page is written, then cancels it with the rest.
        const current = await this.campaigns.findForShare(manager, workspaceId, campaignId);
        if (current?.status !== 'sending') return false;
        await this.recipients.insertMany(manager, workspaceId, campaignId, rows);
        // A number that texted STOP is skipped even before crm's smsOptOut has caught up.
        if (campaign.channel === 'sms') await this.recipients.skipStoppedNumbers(manager, workspaceId, campaignId);
        await this.campaigns.saveAudienceProgress(manager, workspaceId, campaignId, lastId, resolved);
        return true;
      });
      if (!written) return;
      for (const row of rows) this.metrics.record(campaign.channel, row.status);
      await this.jobs.ensureLanes({ workspaceId, campaignId });
      if (resolved) break;
      cursor = lastId;
    }
    if (!this.stopped) await this.finishIfDone(workspaceId, campaignId);
  }

  @Process({ name: SEND_LANE_JOB, concurrency: 32 })
  async sendLane(job: Job<SendLaneJob>): Promise<void> {
    const { workspaceId, campaignId } = job.data;
    const campaign = await withWorkspace(this.dataSource, workspaceId, (manager) => this.campaigns.find(manager, workspaceId, campaignId));
    if (!campaign || campaign.status !== 'sending') return;
    let content: CampaignContent;
    try {
      content = await this.sources.contentOf(campaign);
    } catch (error) {
      if (!(error instanceof RpcError && error.status === 404)) throw error;
      await withWorkspace(this.dataSource, workspaceId, (manager) =>
        this.campaigns.fail(manager, workspaceId, campaignId, 'Its email template no longer exists.'),
      );
      return;
    }
    let idleSince: number | null = null;
    while (!this.stopped) {
      const claimed = await withWorkspace(this.dataSource, workspaceId, (manager) =>
        this.recipients.claim(manager, workspaceId, campaignId, this.config.CAMPAIGN_BATCH_SIZE, this.config.CAMPAIGN_CLAIM_LEASE_MS),
      );
      if (claimed.length > 0) {
        idleSince = null;
        await this.sendBatch(campaign, content, claimed);
        continue;
      }
      if (await this.finishIfDone(workspaceId, campaignId)) return;
      if (!(await this.isSending(workspaceId, campaignId))) return;
      idleSince ??= Date.now();
      if (Date.now() - idleSince > IDLE_LIMIT_MS) return;
      await sleep(IDLE_POLL_MS);
    }
  }

  /** Sent recipients, with an email.sent per email so each lands on its contact's timeline in crm. */
  private async recordSent(campaign: CampaignRecord, sent: SentRecipient[]): Promise<void> {
    const { workspaceId, id: campaignId } = campaign;
    const marked = await this.events.transaction(workspaceId, async (manager, emit) => {
      const marked = await this.recipients.markSent(manager, workspaceId, sent);
      if (campaign.channel === 'sms') {
        // Delivery reports that came in while the provider's replies were on their way.
        const sids = sent.map((recipient) => recipient.providerMessageId);
        await this.reports.lock(manager, sids);
        await this.reports.apply(manager, workspaceId, sids);
      }
      if (campaign.channel !== 'email') return marked;
      for (const recipient of marked) {
        await emit<NotificationsEvents.EmailSent>({
          type: 'email.sent',
          workspaceId,
          actorId: null,
          aggregateId: recipient.id,
          data: { messageId: recipient.id, contactId: recipient.contactId, campaignId, templateKey: campaign.templateId ?? 'campaign' },
        });
      }
      return marked;
    });
    this.metrics.record(campaign.channel, 'sent', marked.length);
  }

  private async sendBatch(campaign: CampaignRecord, content: CampaignContent, claimed: ClaimedRecipient[]): Promise<void> {
    const { workspaceId, id: campaignId } = campaign;
    const log = new SentLog((sent) => this.recordSent(campaign, sent));
    const sends: Array<Promise<void>> = [];
    // The lease must outlast the batch while this worker lives: renewed at a third of its length.
    const leaseMs = this.config.CAMPAIGN_CLAIM_LEASE_MS;
    const ids = claimed.map((recipient) => recipient.id);
    const renewal = setInterval(() => {
      withWorkspace(this.dataSource, workspaceId, (manager) => this.recipients.renewClaims(manager, workspaceId, ids, leaseMs)).catch((error: unknown) =>
        this.logger.warn({ campaignId, err: error }, 'could not renew the claim on campaign recipients'),
      );
    }, leaseMs / 3);
    try {
      await this.sendClaimed(campaign, content, claimed, log, sends);
    } finally {
      // Whatever stopped the loop, what has left is recorded before the claim may lapse.
      await Promise.allSettled(sends);
      await log.close();
      clearInterval(renewal);
    }
  }

  private async sendClaimed(
    campaign: CampaignRecord,
    content: CampaignContent,
    claimed: ClaimedRecipient[],
    log: SentLog,
    sends: Array<Promise<void>>,
  ): Promise<void> {
    const [provider, rate] =
      campaign.channel === 'email'
        ? [this.mailer.provider, this.config.CAMPAIGN_EMAILS_PER_SECOND]
        : [`sms:${this.config.SMS_PROVIDER}`, this.config.CAMPAIGN_SMS_PER_SECOND];
    for (let start = 0; start < claimed.length; start += THROTTLE_GROUP) {
      const group = claimed.slice(start, start + THROTTLE_GROUP);
      await this.throttle.take(provider, rate, group.length);
      for (const recipient of group) {
        sends.push(
          this.deliver(campaign, content, recipient).then(
            (providerMessageId) => log.add({ id: recipient.id, providerMessageId }),
            (error: unknown) => this.recordFailure(campaign, recipient, error),
          ),
        );
      }
    }
  }

  private deliver(campaign: CampaignRecord, content: CampaignContent, recipient: ClaimedRecipient): Promise<string> {
    const token = this.tokens.sign({ workspaceId: campaign.workspaceId, contactId: recipient.contactId, campaignId: campaign.id, channel: campaign.channel });
    const unsubscribeUrl = `${this.config.PUBLIC_URL.replace(/\/$/, '')}/api/v1/u/${token}`;
    const message = content.render(recipient.fields, unsubscribeUrl);
    if (campaign.channel === 'sms') return this.sms.send(recipient.address, message.text);
    return this.mailer.send({
      to: recipient.address,
      subject: message.subject,
      html: message.html,
      text: message.text,
      unsubscribeUrl,
      campaignId: campaign.id,
    });
  }

  private async recordFailure(campaign: CampaignRecord, recipient: ClaimedRecipient, error: unknown): Promise<void> {
    const { workspaceId, id: campaignId } = campaign;
    const lastAttempt = isPermanent(error) || recipient.attempts >= this.config.CAMPAIGN_SEND_ATTEMPTS;
    const retryAfterMs = lastAttempt ? null : this.config.SEND_BACKOFF_MS * 2 ** (recipient.attempts - 1);
    await withWorkspace(this.dataSource, workspaceId, (manager) =>
      this.recipients.markNotSent(manager, workspaceId, recipient.id, describe(error), retryAfterMs),
    );
    this.metrics.record(campaign.channel, lastAttempt ? 'failed' : 'retrying');
    this.logger.warn(
      { campaignId, workspaceId, recipientId: recipient.id, attempt: recipient.attempts, lastAttempt, err: error },
      lastAttempt ? 'campaign message failed' : 'campaign message not sent; will retry',
    );
  }

  private async isSending(workspaceId: string, campaignId: string): Promise<boolean> {
    const campaign = await withWorkspace(this.dataSource, workspaceId, (manager) => this.campaigns.find(manager, workspaceId, campaignId));
    return campaign?.status === 'sending';
  }

  private async finishIfDone(workspaceId: string, campaignId: string): Promise<boolean> {
    const finished = await withWorkspace(this.dataSource, workspaceId, (manager) => this.campaigns.finishIfDone(manager, workspaceId, campaignId));
    if (finished) this.logger.info({ campaignId, workspaceId }, 'campaign sent');
    return finished;
  }
}
