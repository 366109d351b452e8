import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { ListOidcProviders, OAuthSignIn } from '@kinship/contracts/auth';
import { Handles, ValidRequest, type OperationRequest } from '@kinship/messaging';
import { OAuthSignInRequest } from './oauth-sign-in.request.js';
import { OAuthService } from './oauth.service.js';
import { OidcProviders } from './oidc-providers.js';

// Inputs are checked again here with the contract's classes: NATS is reachable without the gateway.
@Controller()
export class OAuthController {
  constructor(
    private readonly oauth: OAuthService,
    private readonly providers: OidcProviders,
  ) {}

  @Handles(ListOidcProviders)
  async listProviders(_request: OperationRequest<typeof ListOidcProviders>) {
    return this.providers.list();
  }

  @Handles(OAuthSignIn)
  signIn(@Payload(new ValidRequest(OAuthSignInRequest)) { context, data }: OperationRequest<typeof OAuthSignIn>) {
    return this.oauth.signIn(data, context);
  }
}
