import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { AuthRpc } from '@kinship/contracts';
import type { RpcRequest } from '@kinship/messaging';
import { callerWorkspace, userCaller } from '@kinship/messaging';
import { IdDto } from '../common/id.dto.js';
import { ActiveUsersDto } from './dto/active-users.dto.js';
import { ValidRequest } from '@kinship/messaging';
import { ListUsersDto } from './dto/list-users.dto.js';
import { RecipientDto } from './dto/recipient.dto.js';
import { UpdateUserDto } from './dto/update-user.dto.js';
import { MembersService } from './members.service.js';

@Controller()
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @MessagePattern('auth.users.list')
  list(@Payload(new ValidRequest(ListUsersDto)) request: RpcRequest<ListUsersDto>): Promise<AuthRpc.UserPage> {
    return this.members.list(callerWorkspace(request.context), request.data);
  }

  @MessagePattern('auth.users.get')
  get(@Payload(new ValidRequest(IdDto)) request: RpcRequest<IdDto>): Promise<AuthRpc.User> {
    return this.members.get(callerWorkspace(request.context), request.data.id);
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

  @MessagePattern('auth.users.update')
  update(@Payload(new ValidRequest(UpdateUserDto)) request: RpcRequest<UpdateUserDto>): Promise<AuthRpc.User> {
    return this.members.changeRole(userCaller(request.context), request.data, request.context);
  }

  @MessagePattern('auth.users.deactivate')
  deactivate(@Payload(new ValidRequest(IdDto)) request: RpcRequest<IdDto>): Promise<Record<string, never>> {
    return this.members.deactivate(userCaller(request.context), request.data.id, request.context);
  }
}
