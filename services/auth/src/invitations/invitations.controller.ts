import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { AuthRpc } from '@kinship/contracts';
import type { RpcRequest } from '@kinship/messaging';
import { userCaller } from '@kinship/messaging';
import { IdDto } from '../common/id.dto.js';
import { ValidRequest } from '@kinship/messaging';
import { AcceptInvitationDto } from './dto/accept-invitation.dto.js';
import { CreateInvitationDto } from './dto/create-invitation.dto.js';
import { ListInvitationsDto } from './dto/list-invitations.dto.js';
import { InvitationsService } from './invitations.service.js';

@Controller()
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @MessagePattern('auth.invitations.create')
  create(@Payload(new ValidRequest(CreateInvitationDto)) request: RpcRequest<CreateInvitationDto>): Promise<AuthRpc.Invitation> {
    return this.invitations.create(userCaller(request.context), request.data, request.context);
  }

  @MessagePattern('auth.invitations.list')
  list(@Payload(new ValidRequest(ListInvitationsDto)) request: RpcRequest<ListInvitationsDto>): Promise<AuthRpc.InvitationPage> {
    return this.invitations.list(userCaller(request.context).workspaceId, request.data);
  }

  @MessagePattern('auth.invitations.revoke')
  revoke(@Payload(new ValidRequest(IdDto)) request: RpcRequest<IdDto>): Promise<Record<string, never>> {
    return this.invitations.revoke(userCaller(request.context), request.data.id, request.context);
  }

  @MessagePattern('auth.invitations.accept')
  accept(@Payload(new ValidRequest(AcceptInvitationDto)) request: RpcRequest<AcceptInvitationDto>): Promise<AuthRpc.Session> {
    return this.invitations.accept(request.data, request.context);
  }
}
