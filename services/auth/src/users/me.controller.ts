import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { AuthRpc } from '@kinship/contracts';
import type { RpcRequest } from '@kinship/messaging';
import { userCaller } from '@kinship/messaging';
import { ValidRequest } from '@kinship/messaging';
import { SettingsDto } from './dto/settings.dto.js';
import { UpdateMeDto } from './dto/update-me.dto.js';
import { MeService } from './me.service.js';

@Controller()
export class MeController {
  constructor(private readonly me: MeService) {}

  @MessagePattern('auth.me.get')
  get(@Payload() request: RpcRequest): Promise<AuthRpc.User> {
    return this.me.get(userCaller(request.context));
  }

  @MessagePattern('auth.me.update')
  update(@Payload(new ValidRequest(UpdateMeDto)) request: RpcRequest<UpdateMeDto>): Promise<AuthRpc.User> {
    return this.me.update(userCaller(request.context), request.data, request.context);
  }

  @MessagePattern('auth.me.settings.get')
  getSettings(@Payload() request: RpcRequest): Promise<AuthRpc.Settings> {
    return this.me.getSettings(userCaller(request.context));
  }

  @MessagePattern('auth.me.settings.put')
  putSettings(@Payload(new ValidRequest(SettingsDto)) request: RpcRequest<SettingsDto>): Promise<AuthRpc.Settings> {
    return this.me.putSettings(userCaller(request.context), request.data);
  }
}
