import { Body, Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ReceiveInboundSms, ReceiveSmsStatus, SMS_WEBHOOK_PARAMS_MAX, SmsWebhookReply, type SmsWebhookInput } from '@kinship/contracts/notifications';
import { callOperation, RpcError, ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import type { FastifyRequest } from 'fastify';
import { Public } from '../access/route-access.js';
import { Caller } from '../http/caller-context.js';
import { ErrorResponse } from '../http/error-response.dto.js';

const SIGNATURE_HEADER = 'X-Twilio-Signature';

const FORM = {
  schema: {
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'The provider’s form parameters, as posted (Twilio: MessageSid, MessageStatus, ErrorCode, From, To, Body, …).',
  },
} as const;

/** The signed request, as notifications verifies it: the path as posted (with its query), the form as parsed, the signature. */
function webhookInput(request: FastifyRequest, body: unknown, signature: string | undefined): SmsWebhookInput {
  if (typeof signature !== 'string' || signature.length === 0) {
    throw new RpcError(400, 'invalid_signature', `An SMS webhook must carry the provider’s ${SIGNATURE_HEADER}.`, [
      { field: SIGNATURE_HEADER, issue: 'is required' },
    ]);
  }
  const params = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, string | string[]>) : {};
  if (Object.keys(params).length > SMS_WEBHOOK_PARAMS_MAX)
    throw new RpcError(400, 'invalid_webhook', `An SMS webhook carries at most ${SMS_WEBHOOK_PARAMS_MAX} parameters.`);
  return { path: request.url, params, signature };
}

/**
 * The SMS provider's webhooks (public: the signature is the authority). The form goes to
 * notifications as posted, with the path and X-Twilio-Signature; notifications verifies it
 * against PUBLIC_URL + path and applies each callback once.
 */
@ApiTags('sms')
@Controller('webhooks/sms')
export class SmsWebhooksController {
  constructor(private readonly services: ServiceClient) {}

  @Post('status')
  @Public()
  @HttpCode(200)
  @ApiOperation({ operationId: ReceiveSmsStatus.pattern, summary: 'Receive an SMS delivery status callback', description: ReceiveSmsStatus.description })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody(FORM)
  @ApiHeader({ name: SIGNATURE_HEADER, required: true, description: 'The provider’s HMAC-SHA1 of the full URL and the sorted parameters, base64.' })
  @ApiOkResponse({ type: SmsWebhookReply })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: 'No X-Twilio-Signature (invalid_signature), or MessageSid or MessageStatus missing or not valid (invalid_webhook); nothing changes.',
  })
  @ApiForbiddenResponse({
    type: ErrorResponse,
    description: 'An X-Twilio-Signature that does not match this URL and these parameters under the account’s auth token (invalid_signature); nothing changes.',
  })
  @ApiConflictResponse({ type: ErrorResponse, description: 'The SMS provider is not configured (sms_not_configured).' })
  status(
    @Req() request: FastifyRequest,
    @Body() body: unknown,
    @Headers('x-twilio-signature') signature: string | undefined,
    @Caller() caller: RequestContext,
  ): Promise<SmsWebhookReply> {
    return callOperation(this.services, ReceiveSmsStatus, webhookInput(request, body, signature), caller);
  }

  @Post('inbound')
  @Public()
  @HttpCode(200)
  @ApiOperation({ operationId: ReceiveInboundSms.pattern, summary: 'Receive an inbound SMS', description: ReceiveInboundSms.description })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody(FORM)
  @ApiHeader({ name: SIGNATURE_HEADER, required: true, description: 'The provider’s HMAC-SHA1 of the full URL and the sorted parameters, base64.' })
  @ApiOkResponse({ type: SmsWebhookReply })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: 'No X-Twilio-Signature (invalid_signature), or MessageSid, From or To missing or not valid (invalid_webhook); nothing changes.',
  })
  @ApiForbiddenResponse({
    type: ErrorResponse,
    description: 'An X-Twilio-Signature that does not match this URL and these parameters under the account’s auth token (invalid_signature); nothing changes.',
  })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'No workspace receives texts on the To number (unknown_number).' })
  @ApiConflictResponse({ type: ErrorResponse, description: 'The SMS provider is not configured (sms_not_configured).' })
  inbound(
    @Req() request: FastifyRequest,
    @Body() body: unknown,
    @Headers('x-twilio-signature') signature: string | undefined,
    @Caller() caller: RequestContext,
  ): Promise<SmsWebhookReply> {
    return callOperation(this.services, ReceiveInboundSms, webhookInput(request, body, signature), caller);
  }
}
