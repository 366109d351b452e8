import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Login, LoginBody, Logout, Refresh, RefreshTokenBody } from '@kinship/contracts/auth';
import { Handles, ValidRequest, type OperationRequest } from '@kinship/messaging';
import { SessionsService } from './sessions.service.js';

// Inputs are checked again here with the contract's classes: NATS is reachable without the gateway.
@Controller()
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Handles(Login)
  login(@Payload(new ValidRequest(LoginBody)) { context, data }: OperationRequest<typeof Login>) {
    return this.sessions.login(data, context);
  }

  @Handles(Refresh)
  refresh(@Payload(new ValidRequest(RefreshTokenBody)) { data }: OperationRequest<typeof Refresh>) {
    return this.sessions.refresh(data.refreshToken);
  }

  @Handles(Logout)
  async logout(@Payload(new ValidRequest(RefreshTokenBody)) { data }: OperationRequest<typeof Logout>) {
    await this.sessions.logout(data.refreshToken);
  }
}
