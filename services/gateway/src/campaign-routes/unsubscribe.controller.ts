import { Body, Controller, Get, Headers, HttpCode, HttpStatus, Param, Post, Res } from '@nestjs/common';
import { ApiConsumes, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { ConfirmUnsubscribe, OneClickUnsubscribeBody, UnsubscribeParams, UnsubscribeResponse, UnsubscribeStatus } from '@kinship/contracts/notifications';
import { callOperation, ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import type { FastifyReply } from 'fastify';
import { Public } from '../access/route-access.js';
import { Caller } from '../http/caller-context.js';
import { ErrorResponse } from '../http/error-response.dto.js';

/**
 * The pages load and run nothing: inline styles only, no script, no image, no frame, and the
 * form may post only back here. No referrer, since the URL holds the token.
 */
const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
};

const CHANNEL_WORDS: Record<string, string> = { email: 'emails', sms: 'text messages' };

function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function page(title: string, content: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>
<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#111827">
<h1 style="font-size:1.5rem">${escapeHtml(title)}</h1>
${content}
</body></html>
`;
}

/** The form has no action: it posts to the page's own URL, so the token is not written into the page. */
function confirmationPage(outcome: UnsubscribeResponse): string {
  const messages = escapeHtml(CHANNEL_WORDS[outcome.channel] ?? 'messages');
  if (outcome.alreadyUnsubscribed) return page('You are unsubscribed', `<p>You already asked not to receive these ${messages}.</p>`);
  return page(
    'Unsubscribe?',
    `<p>Confirm, and you will not receive these ${messages} any more.</p>
<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit" style="font-size:1rem;padding:.5rem 1rem">Unsubscribe</button></form>`,
  );
}

function unsubscribedPage(outcome: UnsubscribeResponse): string {
  return page('You are unsubscribed', `<p>You will not receive these ${escapeHtml(CHANNEL_WORDS[outcome.channel] ?? 'messages')} any more.</p>`);
}

/**
 * The unsubscribe link of every campaign email (public: the signed token is the authority).
 * GET, which link scanners and mail previews fetch on their own, only shows a confirmation page;
 * POST opts the contact out: the page's button, and RFC 8058 one-click, which mail clients call
 * with the body `List-Unsubscribe=One-Click`. Using the link again changes nothing. A token
 * Kinship did not sign is a 404 in the error envelope, whichever the method.
 */
@ApiTags('campaigns')
@Controller('u')
export class UnsubscribeController {
  constructor(private readonly services: ServiceClient) {}

  @Get(':token')
  @Public()
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'A page asking to confirm, whose button posts the one-click form; nothing changes.' })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'The token is not one Kinship signed.' })
  @ApiOperation({ operationId: UnsubscribeStatus.pattern, summary: UnsubscribeStatus.summary, description: UnsubscribeStatus.description })
  async page(@Param() params: UnsubscribeParams, @Caller() caller: RequestContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const outcome = await callOperation(this.services, UnsubscribeStatus, { token: params.token }, caller);
    // Set only on success: an error goes out as the JSON envelope.
    void reply.headers(PAGE_HEADERS);
    return confirmationPage(outcome);
  }

  @Post(':token')
  @Public()
  @HttpCode(HttpStatus.OK)
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiProduces('application/json', 'text/html')
  @ApiOkResponse({
    type: UnsubscribeResponse,
    description: 'Opted out; a page instead of JSON when the caller accepts text/html (the confirmation page’s form).',
  })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'The token is not one Kinship signed.' })
  @ApiUnprocessableEntityResponse({ type: ErrorResponse, description: 'The body is not `List-Unsubscribe=One-Click`.' })
  @ApiOperation({ operationId: ConfirmUnsubscribe.pattern, summary: ConfirmUnsubscribe.summary, description: ConfirmUnsubscribe.description })
  async oneClick(
    @Param() params: UnsubscribeParams,
    @Body() _body: OneClickUnsubscribeBody,
    @Headers('accept') accept: string | undefined,
    @Caller() caller: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UnsubscribeResponse | string> {
    const outcome = await callOperation(this.services, ConfirmUnsubscribe, { token: params.token }, caller);
    if (!accept?.includes('text/html')) return outcome;
    void reply.headers(PAGE_HEADERS);
    return unsubscribedPage(outcome);
  }
}
