import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { NotificationsEvents } from '@kinship/contracts';
import { RpcError, type ErrorDetail, type UserCaller } from '@kinship/messaging';
import { isUuid, newId, withWorkspace } from '@kinship/persistence';
import { DomainEvents } from '@kinship/platform';
import type { DataSource } from 'typeorm';
import { pagePosition, toPage } from '@kinship/messaging';
import { templateProblem } from '../templates/template-renderer.js';
import { CampaignAudienceSource } from './campaign-audience.js';
import { CampaignJobs } from './campaign-jobs.js';
import { CampaignRecipientsRepository } from './campaign-recipients.repository.js';
import { CampaignSources } from './campaign-sources.js';
import {
  EMPTY_COUNTS,
  toCampaign,
  toRecipient,
  type Campaign,
  type CampaignAudience,
  type CampaignChannel,
  type CampaignPage,
  type CampaignRecipientPage,
  type CampaignRecord,
} from './campaign.record.js';
import { CampaignsRepository, type CampaignChanges } from './campaigns.repository.js';
import type { CreateCampaignBody, ListCampaignsQuery, UnsubscribeResponse } from '@kinship/contracts/notifications';
import type { ListCampaignRecipientsRequest, UpdateCampaignRequest } from './dto/campaign-requests.js';
import { UnsubscribeTokens, type UnsubscribeClaim } from './unsubscribe-tokens.js';

/** What crm.audience.resolve takes at most in contactIds. */
const CONTACT_IDS_MAX = 10_000;
const AUDIENCE_KEYS = ['segmentId', 'filter', 'contactIds'] as const;

/** A token Kinship did not sign, or one naming no recipient: the same 404 either way. */
function invalidUnsubscribeLink(issue: string): RpcError {
  return new RpcError(404, 'not_found', 'This unsubscribe link is not valid.', [{ field: 'token', issue }]);
}

function campaignNotFound(): RpcError {
  return RpcError.notFound('Campaign');
}

function notInState(action: string, campaign: CampaignRecord): RpcError {
  return RpcError.conflict(`Only a draft or scheduled campaign can be ${action}; this one is ${campaign.status}.`, [
    { field: 'status', issue: `is ${campaign.status}` },
  ]);
}

/** The audience as given, checked for shape: exactly one of segmentId, filter and contactIds. */
function audienceOf(input: Record<string, unknown>): CampaignAudience {
  const unknown = Object.keys(input).filter((key) => !(AUDIENCE_KEYS as readonly string[]).includes(key));
  if (unknown.length > 0)
    throw RpcError.validation(unknown.map((key) => ({ field: `audience.${key}`, issue: 'is not an audience field (segmentId, filter, contactIds)' })));
  const given = AUDIENCE_KEYS.filter((key) => input[key] !== undefined && input[key] !== null);
  if (given.length !== 1) throw RpcError.validation([{ field: 'audience', issue: 'must give exactly one of segmentId, filter and contactIds' }]);
  const { segmentId, filter, contactIds } = input;
  if (given[0] === 'segmentId') {
    if (!isUuid(segmentId)) throw RpcError.validation([{ field: 'audience.segmentId', issue: 'must be a UUID' }]);
    return { segmentId };
  }
  if (given[0] === 'filter') {
    if (typeof filter !== 'object' || Array.isArray(filter))
      throw RpcError.validation([{ field: 'audience.filter', issue: 'must be an object of contact filters' }]);
    return { filter: filter as Record<string, unknown> };
  }
  if (!Array.isArray(contactIds) || contactIds.length === 0 || contactIds.length > CONTACT_IDS_MAX) {
    throw RpcError.validation([{ field: 'audience.contactIds', issue: `must be a list of 1 to ${CONTACT_IDS_MAX} contact ids` }]);
  }
  if (!contactIds.every(isUuid)) throw RpcError.validation([{ field: 'audience.contactIds', issue: 'must hold contact ids (UUIDs)' }]);
  return { contactIds: [...new Set(contactIds)] };
}

/** A future instant, or null; 422 naming scheduledAt otherwise. */
function scheduleOf(value: string | null | undefined): Date | null {
  if (value === undefined || value === null) return null;
  const at = new Date(value);
  if (at.getTime() <= Date.now()) throw RpcError.validation([{ field: 'scheduledAt', issue: 'must be in the future' }]);
  return at;
}

interface ContentFields {
  channel: CampaignChannel;
  subject: string | null;
  body: string | null;
  templateId: string | null;
}

/** What each channel needs: email a subject and a body or template; SMS a body alone. */
function contentProblems(content: ContentFields): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  if (content.channel === 'sms') {
    if (content.templateId !== null) problems.push({ field: 'templateId', issue: 'is for email campaigns only' });
    if (content.subject !== null) problems.push({ field: 'subject', issue: 'is for email campaigns only' });
    if (content.body === null || content.body.trim() === '') problems.push({ field: 'body', issue: 'is required for an SMS campaign' });
  } else {
    if (content.body !== null && content.templateId !== null) problems.push({ field: 'body', issue: 'give body or templateId, not both' });
    if (content.body === null && content.templateId === null) problems.push({ field: 'body', issue: 'is required unless templateId is given' });
    if (content.subject === null && content.templateId === null) problems.push({ field: 'subject', issue: 'is required unless templateId is given' });
  }
  for (const field of ['subject', 'body'] as const) {
    const source = content[field];
    const problem = source === null ? null : templateProblem(field, source);
    if (problem) problems.push(problem);
  }
  return problems;
}

/** Campaigns: drafts, scheduling, sending, cancelling, their counts and delivery log, and unsubscribing from them. */
@Injectable()
export class CampaignsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    private readonly campaigns: CampaignsRepository,
    private readonly recipients: CampaignRecipientsRepository,
    private readonly audience: CampaignAudienceSource,
    private readonly sources: CampaignSources,
    private readonly jobs: CampaignJobs,
    private readonly tokens: UnsubscribeTokens,
  ) {}

  async create(caller: UserCaller, input: CreateCampaignBody): Promise<Campaign> {
    const content = { channel: input.channel, subject: input.subject ?? null, body: input.body ?? null, templateId: input.templateId ?? null };
    const audience = audienceOf({ ...input.audience });
    const scheduledAt = scheduleOf(input.scheduledAt);
    await this.checkContent(caller.workspaceId, content);
    await this.checkAudience(caller.workspaceId, audience);
    const record = await withWorkspace(this.dataSource, caller.workspaceId, (manager) =>
      this.campaigns.insert(manager, {
        id: newId(),
        workspaceId: caller.workspaceId,
        name: input.name,
        ...content,
        audience,
        scheduledAt,
        createdBy: caller.userId,
      }),
    );
    return toCampaign(record, { ...EMPTY_COUNTS });
  }

  async get(workspaceId: string, id: string): Promise<Campaign> {
    return withWorkspace(this.dataSource, workspaceId, async (manager) => {
      const record = isUuid(id) ? await this.campaigns.find(manager, workspaceId, id) : null;
      if (!record) throw campaignNotFound();
      const counts = await this.recipients.counts(manager, workspaceId, [id]);
      return toCampaign(record, counts.get(id)!);
    });
  }

  async list(workspaceId: string, query: ListCampaignsQuery): Promise<CampaignPage> {
    const position = pagePosition(query);
    return withWorkspace(this.dataSource, workspaceId, async (manager) => {
      const rows = await this.campaigns.list(manager, workspaceId, query.status ?? null, position);
      const counts = await this.recipients.counts(
        manager,
        workspaceId,
        rows.slice(0, position.limit).map((row) => row.id),
      );
      return toPage(rows, position, (row) => toCampaign(row, counts.get(row.id) ?? { ...EMPTY_COUNTS }));
    });
  }

  /** Changes a draft or scheduled campaign; the result must still be sendable. scheduledAt null unschedules it back to draft. */
  async update(workspaceId: string, input: UpdateCampaignRequest): Promise<Campaign> {
    const current = await this.findOrThrow(workspaceId, input.id);
    if (current.status !== 'draft' && current.status !== 'scheduled') throw notInState('edited', current);
    const content = {
      channel: input.channel ?? current.channel,
      subject: input.subject === undefined ? current.subject : input.subject,
      body: input.body === undefined ? current.body : input.body,
      templateId: input.templateId === undefined ? current.templateId : input.templateId,
    };
    const changes: CampaignChanges = { name: input.name, ...content };
    if (input.audience !== undefined) changes.audience = audienceOf({ ...input.audience });
    if (input.scheduledAt !== undefined) changes.scheduledAt = scheduleOf(input.scheduledAt);
    await this.checkContent(workspaceId, content);
    if (changes.audience) await this.checkAudience(workspaceId, changes.audience);
    if (current.status === 'scheduled' && input.scheduledAt === null) changes.status = 'draft';
    const updated = await withWorkspace(this.dataSource, workspaceId, (manager) => this.campaigns.updateUnstarted(manager, workspaceId, current.id, changes));
    if (!updated) throw notInState('edited', await this.findOrThrow(workspaceId, input.id));
    return this.get(workspaceId, updated.id);
  }

  async delete(workspaceId: string, id: string): Promise<void> {
    const current = await this.findOrThrow(workspaceId, id);
    const deleted = await withWorkspace(this.dataSource, workspaceId, (manager) => this.campaigns.deleteUnstarted(manager, workspaceId, current.id));
    if (!deleted) throw notInState('deleted', current);
  }

  /** Sends now, or at scheduledAt when that is still ahead; a scheduled campaign sent again goes now. */
  async send(workspaceId: string, id: string): Promise<Campaign> {
    const current = await this.findOrThrow(workspaceId, id);
    if (current.status !== 'draft' && current.status !== 'scheduled') throw notInState('sent', current);
    const later = current.status === 'draft' && current.scheduledAt !== null && current.scheduledAt.getTime() > Date.now();
    // The template may have been deleted, or the segment, since the draft was saved.
    await this.checkContent(workspaceId, current);
    await this.checkAudience(workspaceId, current.audience);
    const started = await withWorkspace(this.dataSource, workspaceId, (manager) =>
      this.campaigns.start(manager, workspaceId, current.id, later ? 'scheduled' : 'sending'),
    );
    if (!started) throw notInState('sent', await this.findOrThrow(workspaceId, id));
    if (started.status === 'sending') await this.jobs.ensureRunning({ workspaceId, campaignId: started.id }, false);
    return this.get(workspaceId, started.id);
  }

  /** Stops a scheduled or sending campaign: recipients not sent yet become cancelled; batches in hand finish. */
  async cancel(workspaceId: string, id: string): Promise<Campaign> {
    const current = await this.findOrThrow(workspaceId, id);
    const cancelled = await withWorkspace(this.dataSource, workspaceId, async (manager) => {
      const record = await this.campaigns.cancel(manager, workspaceId, current.id);
      if (record) await this.recipients.cancelQueued(manager, workspaceId, current.id);
      return record;
    });
    if (!cancelled) {
      throw RpcError.conflict(`Only a scheduled or sending campaign can be cancelled; this one is ${current.status}.`, [
        { field: 'status', issue: `is ${current.status}` },
      ]);
    }
    return this.get(workspaceId, id);
  }

  async recipientsOf(workspaceId: string, query: ListCampaignRecipientsRequest): Promise<CampaignRecipientPage> {
    const position = pagePosition(query);
    await this.findOrThrow(workspaceId, query.id);
    const rows = await withWorkspace(this.dataSource, workspaceId, (manager) =>
      this.recipients.list(manager, workspaceId, query.id, query.status ?? null, { limit: position.limit, afterId: position.afterId }),
    );
    return toPage(rows, position, toRecipient);
  }

  /**
   * What the unsubscribe page shows before the person confirms: changes nothing, so a link
   * scanner that fetches the link (GET) does not opt anyone out. 404 as unsubscribe.
   */
  async unsubscribeStatus(token: string): Promise<UnsubscribeResponse> {
    const claim = this.claimOf(token);
    const state = await withWorkspace(this.dataSource, claim.workspaceId, (manager) =>
      this.recipients.unsubscribeState(manager, claim.workspaceId, claim.campaignId, claim.contactId),
    );
    if (state === 'unknown') throw invalidUnsubscribeLink('names no recipient');
    return { channel: claim.channel, alreadyUnsubscribed: state === 'already' };
  }

  /**
   * An unsubscribe link confirmed (the page's button or RFC 8058 one-click POST): recorded on the
   * campaign's recipient, and contact.unsubscribed emitted in the same transaction (crm sets the
   * contact's opt-out). Queued messages of that channel to the contact in other campaigns are
   * skipped at once. A second use changes nothing.
   */
  async unsubscribe(token: string): Promise<UnsubscribeResponse> {
    const claim = this.claimOf(token);
    const outcome = await this.events.transaction(claim.workspaceId, async (manager, emit) => {
      const result = await this.recipients.unsubscribe(manager, claim.workspaceId, claim.campaignId, claim.contactId);
      if (result !== 'recorded') return result;
      await this.recipients.skipQueuedOf(manager, claim.workspaceId, claim.contactId, claim.channel);
      await emit<NotificationsEvents.ContactUnsubscribed>({
        type: 'contact.unsubscribed',
        workspaceId: claim.workspaceId,
        actorId: null,
        aggregateId: claim.contactId,
        data: { contactId: claim.contactId, channel: claim.channel, campaignId: claim.campaignId },
      });
      return result;
    });
    if (outcome === 'unknown') throw invalidUnsubscribeLink('names no recipient');
    return { channel: claim.channel, alreadyUnsubscribed: outcome === 'already' };
  }

  private claimOf(token: string): UnsubscribeClaim {
    const claim = this.tokens.verify(token);
    if (!claim) throw invalidUnsubscribeLink('is not a valid unsubscribe token');
    return claim;
  }

  private async findOrThrow(workspaceId: string, id: string): Promise<CampaignRecord> {
    const record = isUuid(id) ? await withWorkspace(this.dataSource, workspaceId, (manager) => this.campaigns.find(manager, workspaceId, id)) : null;
    if (!record) throw campaignNotFound();
    return record;
  }

  private async checkContent(workspaceId: string, content: ContentFields): Promise<void> {
    const problems = contentProblems(content);
    if (problems.length > 0) throw RpcError.validation(problems);
    if (content.templateId !== null) await this.sources.checkTemplate(workspaceId, content.templateId);
  }

  /** Asks crm for one contact of the audience: an unknown segment or a bad filter is a 422 now, not a failed send later. */
  private async checkAudience(workspaceId: string, audience: CampaignAudience): Promise<void> {
    try {
      await this.audience.page(workspaceId, audience, null, 1);
    } catch (error) {
      if (!(error instanceof RpcError)) throw error;
      if (error.status === 404) throw RpcError.validation([{ field: 'audience.segmentId', issue: 'is not a segment of this workspace' }]);
      if (error.status === 422 || error.status === 400) {
        const details = (error.details ?? []).map((detail) => ({ ...detail, field: `audience.${detail.field ?? 'filter'}` }));
        throw RpcError.validation(details.length > 0 ? details : [{ field: 'audience', issue: error.message }]);
      }
      throw error;
    }
  }
}
