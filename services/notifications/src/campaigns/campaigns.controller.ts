import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  CancelCampaign,
  ConfirmUnsubscribe,
  CreateCampaign,
  CreateCampaignBody,
  DeleteCampaign,
  GetCampaign,
  ListCampaignRecipients,
  ListCampaigns,
  ListCampaignsQuery,
  SendCampaign,
  UnsubscribeParams,
  UnsubscribeStatus,
  UpdateCampaign,
} from '@kinship/contracts/notifications';
import { Handles, ValidRequest, type OperationRequest } from '@kinship/messaging';
import { callerWith } from '../common/access.js';
import { CampaignsService } from './campaigns.service.js';
import { ListCampaignRecipientsRequest, UpdateCampaignRequest } from './dto/campaign-requests.js';

const READ = 'campaigns:read';
const WRITE = 'campaigns:write';

// Inputs are checked again here with the contract's classes: NATS is reachable without the gateway.
@Controller()
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsService) {}

  @Handles(CreateCampaign)
  create(@Payload(new ValidRequest(CreateCampaignBody)) { context, data }: OperationRequest<typeof CreateCampaign>) {
    return this.campaigns.create(callerWith(context, WRITE), data);
  }

  @Handles(ListCampaigns)
  list(@Payload(new ValidRequest(ListCampaignsQuery)) { context, data }: OperationRequest<typeof ListCampaigns>) {
    return this.campaigns.list(callerWith(context, READ).workspaceId, data);
  }

  @Handles(GetCampaign)
  get({ context, data }: OperationRequest<typeof GetCampaign>) {
    return this.campaigns.get(callerWith(context, READ).workspaceId, data.id);
  }

  @Handles(UpdateCampaign)
  update(@Payload(new ValidRequest(UpdateCampaignRequest)) { context, data }: OperationRequest<typeof UpdateCampaign>) {
    return this.campaigns.update(callerWith(context, WRITE).workspaceId, data);
  }

  @Handles(DeleteCampaign)
  async delete({ context, data }: OperationRequest<typeof DeleteCampaign>) {
    await this.campaigns.delete(callerWith(context, WRITE).workspaceId, data.id);
  }

  @Handles(SendCampaign)
  send({ context, data }: OperationRequest<typeof SendCampaign>) {
    return this.campaigns.send(callerWith(context, WRITE).workspaceId, data.id);
  }

  @Handles(CancelCampaign)
  cancel({ context, data }: OperationRequest<typeof CancelCampaign>) {
    return this.campaigns.cancel(callerWith(context, WRITE).workspaceId, data.id);
  }

  @Handles(ListCampaignRecipients)
  recipients(@Payload(new ValidRequest(ListCampaignRecipientsRequest)) { context, data }: OperationRequest<typeof ListCampaignRecipients>) {
    return this.campaigns.recipientsOf(callerWith(context, READ).workspaceId, data);
  }

  /** Public: the signed token is the authority. The gateway's GET /u/:token (the confirmation page); changes nothing. */
  @Handles(UnsubscribeStatus)
  unsubscribeStatus(@Payload(new ValidRequest(UnsubscribeParams)) { data }: OperationRequest<typeof UnsubscribeStatus>) {
    return this.campaigns.unsubscribeStatus(data.token);
  }

  /** Public: the signed token is the authority. The gateway's POST /u/:token (the page's button, RFC 8058 one-click). */
  @Handles(ConfirmUnsubscribe)
  unsubscribe(@Payload(new ValidRequest(UnsubscribeParams)) { data }: OperationRequest<typeof ConfirmUnsubscribe>) {
    return this.campaigns.unsubscribe(data.token);
  }
}
