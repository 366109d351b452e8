import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts.module.js';
import { RegistrationModule } from '../registration/registration.module.js';
import { OAuthController } from './oauth.controller.js';
import { OAuthIdentitiesRepository } from './oauth-identities.repository.js';
import { OAuthService } from './oauth.service.js';
import { OidcProviders } from './oidc-providers.js';

/** auth.oauth.sign-in: OpenID Connect ID tokens of the configured providers. */
@Module({
  imports: [AccountsModule, RegistrationModule],
  controllers: [OAuthController],
  providers: [OAuthService, OAuthIdentitiesRepository, OidcProviders],
})
export class OAuthModule {}
