import { Controller, Get, HttpCode, HttpStatus, Param, Post, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import type { FastifyReply } from 'fastify';
import { Public } from '../access/route-access.js';
import { Caller } from '../http/caller-context.js';
import { ErrorResponse } from '../http/error-response.dto.js';
import { UnsubscribeParams, UnsubscribeResponse } from './campaigns.dto.js';

const UNSUBSCRIBED_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Unsubscribed</title></head>
<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#111827">
<h1 style="font-size:1.5rem">You are unsubscribed</h1>
<p>You will not receive these messages any more.</p>
</body></html>
`;

/**
 * The unsubscribe link of every campaign email (public: the signed token is the authority).
 * GET is the link a person clicks; POST is RFC 8058 one-click, which mail clients call with the
 * body `List-Unsubscribe=One-Click`. Both opt the contact out; using the link again changes nothing.
 */
@ApiTags('campaigns')
@Controller('u')
export class UnsubscribeController {
  constructor(private readonly services: ServiceClient) {}

  @Get(':token')
  @Public()
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'A page saying the contact is unsubscribed.' })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'The token is not one Kinship signed.' })
  async page(@Param() params: UnsubscribeParams, @Caller() caller: RequestContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    await this.services.send('notifications.unsubscribe.confirm', { token: params.token }, caller);
    // Set only on success: an error goes out as the JSON envelope.
    void reply.header('Content-Type', 'text/html; charset=utf-8').header('Cache-Control', 'no-store');
    return UNSUBSCRIBED_PAGE;
  }

  @Post(':token')
  @Public()
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: UnsubscribeResponse })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'The token is not one Kinship signed.' })
  oneClick(@Param() params: UnsubscribeParams, @Caller() caller: RequestContext): Promise<UnsubscribeResponse> {
    return this.services.send('notifications.unsubscribe.confirm', { token: params.token }, caller);
  }
}
