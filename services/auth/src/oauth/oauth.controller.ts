import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { AuthRpc } from '@kinship/contracts';
import type { RpcRequest } from '@kinship/messaging';
import { ValidRequest } from '@kinship/messaging';
import { OAuthSignInDto } from './dto/oauth-sign-in.dto.js';
import { OAuthService } from './oauth.service.js';

@Controller()
export class OAuthController {
  constructor(private readonly oauth: OAuthService) {}

  @MessagePattern('auth.oauth.sign-in')
  signIn(@Payload(new ValidRequest(OAuthSignInDto)) request: RpcRequest<OAuthSignInDto>): Promise<AuthRpc.Session> {
    return this.oauth.signIn(request.data, request.context);
  }
}
