import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AUDIENCE_PAGE_MAX, ResolveAudience, type AudiencePage } from '@kinship/contracts/crm';
import { callOperation, ServiceClient } from '@kinship/messaging';
import { systemContext } from '../triggers/recipient-directory.js';
import type { CampaignAudience } from './campaign.record.js';

/** A contact as crm.audience.resolve returns it, typed by crm's contract. */
export type { AudienceMember } from '@kinship/contracts/crm';

/** The largest page crm.audience.resolve gives. */
export const AUDIENCE_PAGE_SIZE = AUDIENCE_PAGE_MAX;

/** The crm's answer to "who is in this audience now", page by page in contact id order. */
@Injectable()
export class CampaignAudienceSource {
  constructor(private readonly services: ServiceClient) {}

  page(workspaceId: string, audience: CampaignAudience, cursor: string | null, limit = AUDIENCE_PAGE_SIZE): Promise<AudiencePage> {
    return callOperation(
      this.services,
      ResolveAudience,
      { ...audience, ...(cursor ? { cursor } : {}), limit },
      systemContext(workspaceId, `campaign-${randomUUID()}`),
    );
  }
}
