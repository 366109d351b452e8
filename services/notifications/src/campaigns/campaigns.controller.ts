import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ValidRequest, type RpcRequest } from '@kinship/messaging';
import { callerWith } from '../common/access.js';
import type { Campaign, CampaignPage, CampaignRecipientPage } from './campaign.record.js';
import { CampaignsService, type UnsubscribeOutcome } from './campaigns.service.js';
import { CampaignIdDto, CreateCampaignDto, ListCampaignsDto, ListRecipientsDto, UnsubscribeDto, UpdateCampaignDto } from './dto/campaign.dto.js';

const READ = 'campaigns:read';
const WRITE = 'campaigns:write';

@Controller()
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsService) {}

  @MessagePattern('notifications.campaigns.create')
  create(@Payload(new ValidRequest(CreateCampaignDto)) request: RpcRequest<CreateCampaignDto>): Promise<Campaign> {
    return this.campaigns.create(callerWith(request.context, WRITE), request.data);
  }

  @MessagePattern('notifications.campaigns.list')
  list(@Payload(new ValidRequest(ListCampaignsDto)) request: RpcRequest<ListCampaignsDto>): Promise<CampaignPage> {
    return this.campaigns.list(callerWith(request.context, READ).workspaceId, request.data);
  }

  @MessagePattern('notifications.campaigns.get')
  get(@Payload(new ValidRequest(CampaignIdDto)) request: RpcRequest<CampaignIdDto>): Promise<Campaign> {
    return this.campaigns.get(callerWith(request.context, READ).workspaceId, request.data.id);
  }

  @MessagePattern('notifications.campaigns.update')
  update(@Payload(new ValidRequest(UpdateCampaignDto)) request: RpcRequest<UpdateCampaignDto>): Promise<Campaign> {
    return this.campaigns.update(callerWith(request.context, WRITE).workspaceId, request.data);
  }

  @MessagePattern('notifications.campaigns.delete')
  async delete(@Payload(new ValidRequest(CampaignIdDto)) request: RpcRequest<CampaignIdDto>): Promise<{ deleted: true }> {
    await this.campaigns.delete(callerWith(request.context, WRITE).workspaceId, request.data.id);
    return { deleted: true };
  }

  @MessagePattern('notifications.campaigns.send')
  send(@Payload(new ValidRequest(CampaignIdDto)) request: RpcRequest<CampaignIdDto>): Promise<Campaign> {
    return this.campaigns.send(callerWith(request.context, WRITE).workspaceId, request.data.id);
  }

  @MessagePattern('notifications.campaigns.cancel')
  cancel(@Payload(new ValidRequest(CampaignIdDto)) request: RpcRequest<CampaignIdDto>): Promise<Campaign> {
    return this.campaigns.cancel(callerWith(request.context, WRITE).workspaceId, request.data.id);
  }

  @MessagePattern('notifications.campaigns.recipients')
  recipients(@Payload(new ValidRequest(ListRecipientsDto)) request: RpcRequest<ListRecipientsDto>): Promise<CampaignRecipientPage> {
    return this.campaigns.recipientsOf(callerWith(request.context, READ).workspaceId, request.data);
  }

  /** Public: the signed token is the authority. The gateway's GET /u/:token (the confirmation page); changes nothing. */
  @MessagePattern('notifications.unsubscribe.status')
  unsubscribeStatus(@Payload(new ValidRequest(UnsubscribeDto)) request: RpcRequest<UnsubscribeDto>): Promise<UnsubscribeOutcome> {
    return this.campaigns.unsubscribeStatus(request.data.token);
  }

  /** Public: the signed token is the authority. The gateway's POST /u/:token (the page's button, RFC 8058 one-click). */
  @MessagePattern('notifications.unsubscribe.confirm')
  unsubscribe(@Payload(new ValidRequest(UnsubscribeDto)) request: RpcRequest<UnsubscribeDto>): Promise<UnsubscribeOutcome> {
    return this.campaigns.unsubscribe(request.data.token);
  }
}
