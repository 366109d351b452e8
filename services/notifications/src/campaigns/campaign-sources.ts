import { Injectable } from '@nestjs/common';
import { RpcError } from '@kinship/messaging';
import { SECURITY_TEMPLATE_KEYS } from '../templates/default-template.js';
import { TemplatesService } from '../templates/templates.service.js';
import { CampaignContent } from './campaign-content.js';
import type { CampaignChannel } from './campaign.record.js';

/** What a campaign says: its own subject and body, or an email template of the workspace (its subject unless the campaign gives one). */
@Injectable()
export class CampaignSources {
  constructor(private readonly templates: TemplatesService) {}

  /** 422 naming templateId when it is not a template a campaign may use. */
  async checkTemplate(workspaceId: string, templateId: string): Promise<void> {
    if (SECURITY_TEMPLATE_KEYS.has(templateId)) {
      throw RpcError.validation([{ field: 'templateId', issue: 'is a security email (it carries one-time links) and cannot be sent to a campaign' }]);
    }
    try {
      await this.templates.get(workspaceId, templateId);
    } catch (error) {
      if (error instanceof RpcError && error.status === 404)
        throw RpcError.validation([{ field: 'templateId', issue: 'is not an email template of this workspace' }]);
      throw error;
    }
  }

  async contentOf(campaign: {
    workspaceId: string;
    channel: CampaignChannel;
    subject: string | null;
    body: string | null;
    templateId: string | null;
  }): Promise<CampaignContent> {
    if (!campaign.templateId) return new CampaignContent(campaign.channel, { subject: campaign.subject, body: campaign.body ?? '' });
    const template = await this.templates.get(campaign.workspaceId, campaign.templateId);
    return new CampaignContent(campaign.channel, { subject: campaign.subject ?? template.subject, body: template.body });
  }
}
