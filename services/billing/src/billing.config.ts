import { ServiceConfig } from '@kinship/config';
import { IsOptional, IsString, Matches, MinLength } from 'class-validator';

export class BillingConfig extends ServiceConfig {
  override HTTP_PORT: number = 3103;

  /** Stripe's secret key; without it and the webhook secret, card payments answer 409 payments_not_configured and the rest of billing works. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  STRIPE_SECRET_KEY: string | undefined = undefined;

  /** The signing secret of the Stripe webhook endpoint (`whsec_…`). */
  @IsOptional()
  @IsString()
  @MinLength(1)
  STRIPE_WEBHOOK_SECRET: string | undefined = undefined;

  /** Where the Stripe SDK sends its requests; a local server in tests. */
  @Matches(/^https?:\/\/[^\s/]+\/?$/, { message: 'must be an http(s):// URL without a path' })
  STRIPE_API_BASE: string = 'https://api.stripe.com';
}
