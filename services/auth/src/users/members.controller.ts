import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { AuthRpc } from '@kinship/contracts';
import { DeactivateUser, GetUser, ListUsers, ListUsersQuery, UpdateUser } from '@kinship/contracts/auth';
import { callerWorkspace, Handles, userCaller, ValidRequest, type OperationRequest, type RpcRequest } from '@kinship/messaging';
import { IdDto } from '../common/id.dto.js';
import { ActiveUsersDto } from './dto/active-users.dto.js';
import { RecipientDto } from './dto/recipient.dto.js';
import { UpdateUserRequest } from './dto/update-user.dto.js';
import { MembersService } from './members.service.js';

// Inputs are checked again here with the contract's classes: NATS is reachable without the gateway.
@Controller()
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Handles(ListUsers)
  list(@Payload(new ValidRequest(ListUsersQuery)) { context, data }: OperationRequest<typeof ListUsers>) {
    return this.members.list(callerWorkspace(context), data);
  }

  @Handles(GetUser)
  get(@Payload(new ValidRequest(IdDto)) { context, data }: OperationRequest<typeof GetUser>) {
    return this.members.get(callerWorkspace(context), data.id);
  }

  /** Internal, for notifications: whom to write to and what they want to receive. */
  @MessagePattern('auth.users.recipient')
  recipient(@Payload(new ValidRequest(RecipientDto)) request: RpcRequest<RecipientDto>): Promise<AuthRpc.Recipient> {
    return this.members.recipient(callerWorkspace(request.context), request.data.userId);
  }

  /** Internal, for crm: which ids may own or be assigned records. */
  @MessagePattern('auth.users.active')
  active(@Payload(new ValidRequest(ActiveUsersDto)) request: RpcRequest<ActiveUsersDto>): Promise<AuthRpc.ActiveUsersReply> {
    return this.members.active(callerWorkspace(request.context), request.data.userIds);
  }

  @Handles(UpdateUser)
  update(@Payload(new ValidRequest(UpdateUserRequest)) { context, data }: OperationRequest<typeof UpdateUser>) {
    return this.members.changeRole(userCaller(context), data, context);
  }

  @Handles(DeactivateUser)
  async deactivate(@Payload(new ValidRequest(IdDto)) { context, data }: OperationRequest<typeof DeactivateUser>) {
    await this.members.deactivate(userCaller(context), data.id, context);
  }
}
