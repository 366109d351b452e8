import { Body, Controller, Get, Patch, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { isRole, permissionsOf, type AuthRpc } from '@kinship/contracts';
import { ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { RequirePermission } from '../access/route-access.js';
import { Caller } from '../http/caller-context.js';
import { ErrorResponse } from '../http/error-response.dto.js';
import { SettingsBody, UpdateMeBody } from './me.dto.js';
import { MeResponse, UserResponse } from './users.dto.js';

/** The caller's own profile and preferences; the auth service knows whose from the request context. */
@ApiTags('me')
@Controller('me')
export class MeController {
  constructor(private readonly services: ServiceClient) {}

  @Get()
  @RequirePermission('profile:read')
  @ApiOkResponse({ type: MeResponse })
  @ApiOperation({ summary: 'Read the caller', description: 'The signed-in user, with their workspace, role and the permissions that role holds.' })
  async get(@Caller() caller: RequestContext): Promise<MeResponse> {
    const user = await this.services.send<AuthRpc.User>('auth.me.get', {}, caller);
    // From the matrix the gateway enforces, so the console hides exactly what would be refused.
    return { ...user, permissions: isRole(caller.role) ? permissionsOf(caller.role) : [] };
  }

  @Patch()
  @RequirePermission('profile:write')
  @ApiOkResponse({ type: UserResponse })
  @ApiOperation({ summary: 'Change the caller’s profile', description: 'Name, avatar, email (confirmed by a link to the new address) or password (with the current one); absent fields stay.' })
  @ApiTooManyRequestsResponse({ type: ErrorResponse, description: 'Too many wrong current passwords (counted with failed sign-ins); see Retry-After.' })
  update(@Body() body: UpdateMeBody, @Caller() caller: RequestContext): Promise<AuthRpc.User> {
    return this.services.send<AuthRpc.User, AuthRpc.UpdateMeRequest>('auth.me.update', body, caller);
  }

  @Get('settings')
  @RequirePermission('profile:read')
  @ApiOkResponse({ type: SettingsBody })
  @ApiOperation({ summary: 'Read the caller’s settings', description: 'Locale, time zone and notification preferences per type and channel.' })
  getSettings(@Caller() caller: RequestContext): Promise<AuthRpc.Settings> {
    return this.services.send<AuthRpc.Settings>('auth.me.settings.get', {}, caller);
  }

  @Put('settings')
  @RequirePermission('profile:write')
  @ApiOkResponse({ type: SettingsBody })
  @ApiOperation({ summary: 'Replace the caller’s settings', description: 'Locale, time zone and notification preferences, as one object.' })
  putSettings(@Body() body: SettingsBody, @Caller() caller: RequestContext): Promise<AuthRpc.Settings> {
    return this.services.send<AuthRpc.Settings, AuthRpc.Settings>('auth.me.settings.put', body, caller);
  }
}
