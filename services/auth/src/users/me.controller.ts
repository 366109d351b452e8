import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { isRole, permissionsOf } from '@kinship/contracts';
import { GetMe, GetSettings, PutSettings, SettingsBody, UpdateMe, UpdateMeBody } from '@kinship/contracts/auth';
import { Handles, userCaller, ValidRequest, type OperationRequest } from '@kinship/messaging';
import { MeService } from './me.service.js';

// Inputs are checked again here with the contract's classes: NATS is reachable without the gateway.
@Controller()
export class MeController {
  constructor(private readonly me: MeService) {}

  /** With the permissions of the matrix the gateway enforces, so the console hides exactly what would be refused. */
  @Handles(GetMe)
  async get({ context }: OperationRequest<typeof GetMe>) {
    const user = await this.me.get(userCaller(context));
    return { ...user, permissions: isRole(context.role) ? permissionsOf(context.role) : [] };
  }

  @Handles(UpdateMe)
  update(@Payload(new ValidRequest(UpdateMeBody)) { context, data }: OperationRequest<typeof UpdateMe>) {
    return this.me.update(userCaller(context), data, context);
  }

  @Handles(GetSettings)
  getSettings({ context }: OperationRequest<typeof GetSettings>) {
    return this.me.getSettings(userCaller(context));
  }

  @Handles(PutSettings)
  putSettings(@Payload(new ValidRequest(SettingsBody)) { context, data }: OperationRequest<typeof PutSettings>) {
    return this.me.putSettings(userCaller(context), data);
  }
}
