import { Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ReceiveStripeWebhook, StripeWebhookReply } from '@kinship/contracts/billing';
import { callOperation, RpcError, ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import type { FastifyRequest } from 'fastify';
import { Public } from '../access/route-access.js';
import { Caller } from '../http/caller-context.js';
import { ErrorResponse } from '../http/error-response.dto.js';

/**
 * Stripe's webhook (public: the signature is the authority). The raw body goes to billing exactly
 * as received, with Stripe-Signature, and billing verifies and applies the event once per event id.
 */
@ApiTags('payments')
@Controller('webhooks')
export class StripeWebhookController {
  constructor(private readonly services: ServiceClient) {}

  @Post('stripe')
  @Public()
  @HttpCode(200)
  @ApiOperation({ operationId: ReceiveStripeWebhook.pattern, summary: 'Receive a Stripe webhook', description: ReceiveStripeWebhook.description })
  @ApiHeader({ name: 'Stripe-Signature', required: true, description: 'Stripe’s signature of the raw body.' })
  @ApiOkResponse({ type: StripeWebhookReply })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: 'No Stripe-Signature, a wrong or stale one (older than 300 s), or a body that is not a Stripe event (invalid_signature); nothing changes.',
  })
  @ApiConflictResponse({
    type: ErrorResponse,
    description: 'Stripe is not configured (payments_not_configured), or the event is about a payment not recorded yet (Stripe retries it).',
  })
  receive(
    @Req() request: FastifyRequest,
    @Headers('stripe-signature') signature: string | undefined,
    @Caller() caller: RequestContext,
  ): Promise<StripeWebhookReply> {
    if (typeof signature !== 'string' || signature.length === 0 || !request.rawBody) {
      throw new RpcError(400, 'invalid_signature', 'A Stripe webhook needs a JSON body and its Stripe-Signature header.', [
        { field: 'Stripe-Signature', issue: 'is required' },
      ]);
    }
    return callOperation(this.services, ReceiveStripeWebhook, { payload: request.rawBody.toString('utf8'), signature }, caller);
  }
}
