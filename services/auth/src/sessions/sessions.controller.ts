import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { AuthRpc } from '@kinship/contracts';
import type { RpcRequest } from '@kinship/messaging';
import { ValidRequest } from '@kinship/messaging';
import { LoginDto } from './dto/login.dto.js';
import { RefreshTokenDto } from './dto/refresh-token.dto.js';
import { SessionsService } from './sessions.service.js';

@Controller()
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @MessagePattern('auth.sessions.login')
  login(@Payload(new ValidRequest(LoginDto)) request: RpcRequest<LoginDto>): Promise<AuthRpc.Session> {
    return this.sessions.login(request.data, request.context);
  }

  @MessagePattern('auth.sessions.refresh')
  refresh(@Payload(new ValidRequest(RefreshTokenDto)) request: RpcRequest<RefreshTokenDto>): Promise<AuthRpc.Session> {
    return this.sessions.refresh(request.data.refreshToken);
  }

  @MessagePattern('auth.sessions.logout')
  logout(@Payload(new ValidRequest(RefreshTokenDto)) request: RpcRequest<RefreshTokenDto>): Promise<Record<string, never>> {
    return this.sessions.logout(request.data.refreshToken);
  }
}
