import { Inject, Injectable } from '@nestjs/common';
import { E164, type SmsWebhookInput, type SmsWebhookReply } from '@kinship/contracts/notifications';
import type { NotificationsEvents } from '@kinship/contracts';
import { RpcError } from '@kinship/messaging';
import type { Logger } from '@kinship/observability';
import { newId, setWorkspace } from '@kinship/persistence';
import { DomainEvents, LOGGER } from '@kinship/platform';
import type { EntityManager } from 'typeorm';
import { CampaignRecipientsRepository } from '../campaigns/campaign-recipients.repository.js';
import { OutboundMessages } from '../delivery/outbound-messages.service.js';
import { SMS_REPORT_STATUSES, SmsDeliveryReports, type SmsReportStatus } from '../delivery/sms-delivery-reports.repository.js';
import { NotificationsConfig } from '../notifications.config.js';
import { inboundKind } from './sms-keywords.js';
import { SmsSettingsRepository } from './sms-settings.repository.js';
import { isTwilioSignatureValid } from './twilio-signature.js';

/** Where the provider posts; the signed URL is PUBLIC_URL followed by the path. */
const WEBHOOK_PATH = /^\/api\/v1\/webhooks\/sms\/(status|inbound)(\?.*)?$/;
/** A provider's message id: Twilio's are two letters and 32 hex digits; compatible providers vary. */
const MESSAGE_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** The longest text kept: ten concatenated segments. */
const BODY_MAX = 1600;

export const DEFAULT_HELP_TEXT = 'Reply STOP to stop receiving texts from us, START to receive them again.';

function invalid(field: string, issue: string): RpcError {
  return new RpcError(400, 'invalid_webhook', `The webhook's ${field} ${issue}.`, [{ field, issue }]);
}

/** One value of a form parameter; a repeated or missing one is refused when required. */
function param(params: Record<string, string | string[]>, name: string, pattern?: RegExp): string {
  const value = params[name];
  if (typeof value !== 'string' || value.length === 0) throw invalid(name, 'is required');
  if (pattern && !pattern.test(value)) throw invalid(name, 'is not valid');
  return value;
}

/**
 * The SMS provider's webhooks (Twilio's, or a compatible provider's): delivery status callbacks
 * and inbound texts. Both are signed (X-Twilio-Signature); nothing is read or written before the
 * signature checks out. Each takes effect once: a status per (message id, status), an inbound
 * text per message id, recorded in the transaction of its effect.
 */
@Injectable()
export class SmsWebhooksService {
  constructor(
    private readonly config: NotificationsConfig,
    private readonly events: DomainEvents,
    private readonly reports: SmsDeliveryReports,
    private readonly settings: SmsSettingsRepository,
    private readonly outbound: OutboundMessages,
    private readonly recipients: CampaignRecipientsRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async status(input: SmsWebhookInput): Promise<SmsWebhookReply> {
    this.verify(input);
    const sid = param(input.params, 'MessageSid', MESSAGE_ID);
    const status = param(input.params, 'MessageStatus').toLowerCase();
    if (!(SMS_REPORT_STATUSES as readonly string[]).includes(status)) throw invalid('MessageStatus', `is not one of ${SMS_REPORT_STATUSES.join(', ')}`);
    const errorCode = typeof input.params.ErrorCode === 'string' && /^\d{1,10}$/.test(input.params.ErrorCode) ? input.params.ErrorCode : null;
    const applied = await this.events.transaction(null, async (manager) => {
      await this.reports.lock(manager, [sid]);
      if (!(await this.reports.record(manager, sid, status as SmsReportStatus, errorCode))) return false;
      // Not found yet: the send has not committed its provider id, and applies the report when it does.
      const workspaceId = await this.reports.workspaceOf(manager, sid);
      if (workspaceId) {
        await setWorkspace(manager, workspaceId);
        await this.reports.apply(manager, workspaceId, [sid]);
      }
      return true;
    });
    return { received: true, applied };
  }

  async inbound(input: SmsWebhookInput): Promise<SmsWebhookReply> {
    this.verify(input);
    const sid = param(input.params, 'MessageSid', MESSAGE_ID);
    const from = param(input.params, 'From', E164);
    const to = param(input.params, 'To', E164);
    const body = typeof input.params.Body === 'string' ? input.params.Body.slice(0, BODY_MAX) : '';
    const workspaceId = await this.events.transaction(null, (manager) => this.settings.workspaceOfNumber(manager, to));
    if (!workspaceId)
      throw new RpcError(404, 'unknown_number', `No workspace receives texts on ${to}.`, [{ field: 'To', issue: 'is no workspace’s receiving number' }]);
    const kind = inboundKind(body);
    const applied = await this.events.transaction(workspaceId, async (manager, emit) => {
      const inboundId = newId();
      const rows: unknown[] = await manager.query(
        `INSERT INTO notifications.inbound_sms (id, workspace_id, provider_message_id, from_number, to_number, body, kind) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (workspace_id, provider_message_id) DO NOTHING RETURNING id`,
        [inboundId, workspaceId, sid, from, to, body, kind],
      );
      if (rows.length === 0) return false;
      const settings = await this.settings.find(manager, workspaceId);
      await this.keyword(manager, workspaceId, { inboundId, sid, from, kind, helpText: settings.helpText });
      await emit<NotificationsEvents.SmsReceived>({
        type: 'sms.received',
        workspaceId,
        actorId: null,
        aggregateId: inboundId,
        data: {
          inboundId,
          providerMessageId: sid,
          from,
          to,
          body,
          kind,
          openTicket: kind === 'message' && settings.inboundTickets,
          receivedAt: new Date().toISOString(),
        },
      });
      return true;
    });
    this.logger.info({ workspaceId, providerMessageId: sid, kind, applied }, 'inbound SMS received');
    return { received: true, applied };
  }

  /** What notifications itself does about a keyword; crm sets the contact's smsOptOut from the event. */
  private async keyword(
    manager: EntityManager,
    workspaceId: string,
    text: { inboundId: string; sid: string; from: string; kind: string; helpText: string | null },
  ): Promise<void> {
    switch (text.kind) {
      case 'stop':
        await manager.query(`INSERT INTO notifications.sms_opt_outs (workspace_id, phone) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [workspaceId, text.from]);
        await this.recipients.skipQueuedToNumber(manager, workspaceId, text.from);
        return;
      case 'start':
        await manager.query(`DELETE FROM notifications.sms_opt_outs WHERE workspace_id = $1 AND phone = $2`, [workspaceId, text.from]);
        return;
      case 'help':
        await this.outbound.queueMessage(manager, {
          id: newId(),
          workspaceId,
          dedupeKey: `sms-help:${text.sid}`,
          channel: 'sms',
          templateKey: 'sms_help',
          address: text.from,
          subject: null,
          html: null,
          text: text.helpText ?? DEFAULT_HELP_TEXT,
        });
        return;
    }
  }

  /** 409 while the provider is not configured; 403 for a signature that is not the provider's over this URL and these parameters. */
  private verify(input: SmsWebhookInput): void {
    const authToken = this.config.SMS_PROVIDER === 'twilio' ? this.config.TWILIO_AUTH_TOKEN : undefined;
    if (!authToken) throw new RpcError(409, 'sms_not_configured', 'SMS webhooks need SMS_PROVIDER=twilio and its auth token.');
    if (!WEBHOOK_PATH.test(input.path)) throw invalid('path', 'is not an SMS webhook path');
    for (const [name, value] of Object.entries(input.params)) {
      if (typeof value !== 'string' && !(Array.isArray(value) && value.every((each) => typeof each === 'string'))) throw invalid(name, 'is not a form value');
    }
    const url = `${this.config.PUBLIC_URL.replace(/\/+$/, '')}${input.path}`;
    if (!isTwilioSignatureValid(authToken, url, input.params, input.signature)) {
      throw new RpcError(403, 'invalid_signature', 'X-Twilio-Signature is not the provider’s signature of this request.', [
        { field: 'X-Twilio-Signature', issue: 'does not match' },
      ]);
    }
  }
}
