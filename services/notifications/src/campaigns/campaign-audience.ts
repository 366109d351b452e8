import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ServiceClient } from '@kinship/messaging';
import { systemContext } from '../triggers/recipient-directory.js';
import type { CampaignAudience } from './campaign.record.js';

/** A contact as crm.audience.resolve returns it (services/crm/src/segments/audience.service.ts). */
export interface AudienceMember {
  id: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  jobTitle: string | null;
  companyName: string | null;
  lifecycleStage: string;
  emailOptOut: boolean;
  smsOptOut: boolean;
  customFields: Record<string, unknown>;
}

export interface AudiencePage {
  data: AudienceMember[];
  nextCursor: string | null;
}

/** The largest page crm.audience.resolve gives. */
export const AUDIENCE_PAGE_SIZE = 1000;

/** The crm's answer to "who is in this audience now", page by page in contact id order. */
@Injectable()
export class CampaignAudienceSource {
  constructor(private readonly services: ServiceClient) {}

  page(workspaceId: string, audience: CampaignAudience, cursor: string | null, limit = AUDIENCE_PAGE_SIZE): Promise<AudiencePage> {
    return this.services.send<AudiencePage>('crm.audience.resolve', { ...audience, ...(cursor ? { cursor } : {}), limit }, systemContext(workspaceId, `campaign-${randomUUID()}`));
  }
}
