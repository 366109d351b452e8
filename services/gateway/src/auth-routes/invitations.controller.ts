import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthRpc } from '@kinship/contracts';
import { ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { Public, RequirePermission } from '../access/route-access.js';
import { Caller } from '../http/caller-context.js';
import { ErrorResponse } from '../http/error-response.dto.js';
import { SessionResponse } from './auth.dto.js';
import { IdParams, PageQuery } from './fields.js';
import { AcceptInvitationBody, CreateInvitationBody, InvitationPageResponse, InvitationResponse } from './invitations.dto.js';

@ApiTags('invitations')
@Controller('invitations')
export class InvitationsController {
  constructor(private readonly services: ServiceClient) {}

  @Post()
  @RequirePermission('invitations:manage')
  @ApiCreatedResponse({ type: InvitationResponse, description: 'A one-time link (valid 7 days) is emailed to the invitee.' })
  @ApiOperation({ summary: 'Invite a member', description: 'Emails a one-time link, valid 7 days, that lets the invitee join the workspace with the role given.' })
  @ApiConflictResponse({ type: ErrorResponse, description: 'The email already has an account in this workspace, or is being invited right now.' })
  create(@Body() body: CreateInvitationBody, @Caller() caller: RequestContext): Promise<AuthRpc.Invitation> {
    return this.services.send<AuthRpc.Invitation, AuthRpc.CreateInvitationRequest>('auth.invitations.create', body, caller);
  }

  @Get()
  @RequirePermission('invitations:manage')
  @ApiOkResponse({ type: InvitationPageResponse })
  @ApiOperation({ summary: 'List invitations', description: 'Pending, accepted and revoked invitations of the workspace, newest first.' })
  list(@Query() query: PageQuery, @Caller() caller: RequestContext): Promise<AuthRpc.InvitationPage> {
    return this.services.send<AuthRpc.InvitationPage, AuthRpc.ListInvitationsRequest>('auth.invitations.list', query, caller);
  }

  @Delete(':id')
  @RequirePermission('invitations:manage')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'The invitation can no longer be accepted.' })
  @ApiOperation({ summary: 'Revoke an invitation', description: 'Its link can no longer be accepted.' })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'No invitation with this id in the workspace.' })
  @ApiConflictResponse({ type: ErrorResponse, description: 'The invitation has been accepted; deactivate the member instead.' })
  async revoke(@Param() params: IdParams, @Caller() caller: RequestContext): Promise<void> {
    await this.services.send<unknown, AuthRpc.IdRequest>('auth.invitations.revoke', { id: params.id }, caller);
  }

  @Post('accept')
  @Public()
  @ApiCreatedResponse({ type: SessionResponse, description: 'The account is created in the inviting workspace and signed in.' })
  @ApiOperation({ summary: 'Accept an invitation', description: 'With the token of the invitation link: creates the account in the inviting workspace and signs it in.' })
  @ApiConflictResponse({ type: ErrorResponse, description: 'An account with this email already exists.' })
  accept(@Body() body: AcceptInvitationBody, @Caller() caller: RequestContext): Promise<AuthRpc.Session> {
    return this.services.send<AuthRpc.Session, AuthRpc.AcceptInvitationRequest>('auth.invitations.accept', body, caller);
  }
}
