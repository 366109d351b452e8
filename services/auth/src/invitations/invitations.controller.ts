import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { AcceptInvitation, AcceptInvitationBody, CreateInvitation, CreateInvitationBody, ListInvitations, RevokeInvitation } from '@kinship/contracts/auth';
import { Handles, PageDto, userCaller, ValidRequest, type OperationRequest } from '@kinship/messaging';
import { IdDto } from '../common/id.dto.js';
import { InvitationsService } from './invitations.service.js';

// Inputs are checked again here with the contract's classes: NATS is reachable without the gateway.
@Controller()
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @Handles(CreateInvitation)
  create(@Payload(new ValidRequest(CreateInvitationBody)) { context, data }: OperationRequest<typeof CreateInvitation>) {
    return this.invitations.create(userCaller(context), data, context);
  }

  @Handles(ListInvitations)
  list(@Payload(new ValidRequest(PageDto)) { context, data }: OperationRequest<typeof ListInvitations>) {
    return this.invitations.list(userCaller(context).workspaceId, data);
  }

  @Handles(RevokeInvitation)
  async revoke(@Payload(new ValidRequest(IdDto)) { context, data }: OperationRequest<typeof RevokeInvitation>) {
    await this.invitations.revoke(userCaller(context), data.id, context);
  }

  @Handles(AcceptInvitation)
  accept(@Payload(new ValidRequest(AcceptInvitationBody)) { context, data }: OperationRequest<typeof AcceptInvitation>) {
    return this.invitations.accept(data, context);
  }
}
