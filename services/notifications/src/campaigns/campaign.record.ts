import type {
  CampaignChannel,
  CampaignCountsResponse,
  CampaignPageResponse,
  CampaignRecipientPageResponse,
  CampaignRecipientResponse,
  CampaignResponse,
  CampaignStatus,
  RecipientStatus,
} from '@kinship/contracts/notifications';

export type { CampaignChannel, CampaignStatus, RecipientStatus };
// What the API answers: the contract's classes (`@kinship/contracts/notifications`).
export type CampaignCounts = CampaignCountsResponse;
export type Campaign = CampaignResponse;
export type CampaignPage = CampaignPageResponse;
export type CampaignRecipient = CampaignRecipientResponse;
export type CampaignRecipientPage = CampaignRecipientPageResponse;

/** Who a campaign goes to: exactly one of the three, resolved by crm.audience.resolve at send time. */
export type CampaignAudience = { segmentId: string } | { filter: Record<string, unknown> } | { contactIds: string[] };

/** A row of notifications.campaigns. */
export interface CampaignRecord {
  id: string;
  workspaceId: string;
  name: string;
  channel: CampaignChannel;
  subject: string | null;
  body: string | null;
  templateId: string | null;
  audience: CampaignAudience;
  status: CampaignStatus;
  scheduledAt: Date | null;
  audienceCursor: string | null;
  audienceResolvedAt: Date | null;
  failureReason: string | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  cancelledAt: Date | null;
}

/** A row of notifications.campaign_recipients: one contact of the audience and how its message went. */
export interface RecipientRecord {
  id: string;
  contactId: string;
  address: string | null;
  status: RecipientStatus;
  attempts: number;
  providerMessageId: string | null;
  error: string | null;
  createdAt: Date;
  updatedAt: Date;
  sentAt: Date | null;
  unsubscribedAt: Date | null;
}

export const EMPTY_COUNTS: CampaignCounts = {
  total: 0,
  queued: 0,
  sent: 0,
  delivered: 0,
  undelivered: 0,
  failed: 0,
  skippedOptedOut: 0,
  skippedNoAddress: 0,
  cancelled: 0,
  unsubscribed: 0,
};

function isoOrNull(date: Date | null): string | null {
  return date?.toISOString() ?? null;
}

export function toCampaign(record: CampaignRecord, counts: CampaignCounts): Campaign {
  return {
    id: record.id,
    name: record.name,
    channel: record.channel,
    subject: record.subject,
    body: record.body,
    templateId: record.templateId,
    audience: record.audience,
    status: record.status,
    scheduledAt: isoOrNull(record.scheduledAt),
    failureReason: record.failureReason,
    counts,
    createdBy: record.createdBy,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
    startedAt: isoOrNull(record.startedAt),
    finishedAt: isoOrNull(record.finishedAt),
    cancelledAt: isoOrNull(record.cancelledAt),
  };
}

export function toRecipient(record: RecipientRecord): CampaignRecipient {
  return {
    id: record.id,
    contactId: record.contactId,
    address: record.address,
    status: record.status,
    attempts: record.attempts,
    providerMessageId: record.providerMessageId,
    error: record.error,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
    sentAt: isoOrNull(record.sentAt),
    unsubscribedAt: isoOrNull(record.unsubscribedAt),
  };
}
