import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthRpc } from '@kinship/contracts';
import { ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { RequirePermission } from '../access/route-access.js';
import { Caller } from '../http/caller-context.js';
import { ErrorResponse } from '../http/error-response.dto.js';
import { IdParams } from './fields.js';
import { ListUsersQuery, UpdateUserBody, UserPageResponse, UserResponse } from './users.dto.js';

/** The members of the caller's workspace. */
@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly services: ServiceClient) {}

  @Get()
  @RequirePermission('users:read')
  @ApiOkResponse({ type: UserPageResponse })
  @ApiOperation({ summary: 'List members', description: 'The workspace’s members with their roles.' })
  list(@Query() query: ListUsersQuery, @Caller() caller: RequestContext): Promise<AuthRpc.UserPage> {
    return this.services.send<AuthRpc.UserPage, AuthRpc.ListUsersRequest>('auth.users.list', query, caller);
  }

  @Get(':id')
  @RequirePermission('users:read')
  @ApiOkResponse({ type: UserResponse })
  @ApiOperation({ summary: 'Read a member', description: 'One member of the workspace.' })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'No member with this id in the workspace.' })
  get(@Param() params: IdParams, @Caller() caller: RequestContext): Promise<AuthRpc.User> {
    return this.services.send<AuthRpc.User, AuthRpc.IdRequest>('auth.users.get', { id: params.id }, caller);
  }

  @Patch(':id')
  @RequirePermission('users:manage')
  @ApiOkResponse({ type: UserResponse, description: 'The member with the new role.' })
  @ApiOperation({ summary: 'Change a member’s role', description: 'Gives the member another role; the workspace keeps at least one active owner.' })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'No member with this id in the workspace.' })
  @ApiConflictResponse({ type: ErrorResponse, description: 'The workspace must keep at least one active owner (last_owner).' })
  update(@Param() params: IdParams, @Body() body: UpdateUserBody, @Caller() caller: RequestContext): Promise<AuthRpc.User> {
    return this.services.send<AuthRpc.User, AuthRpc.UpdateUserRequest>('auth.users.update', { id: params.id, role: body.role }, caller);
  }

  @Delete(':id')
  @RequirePermission('users:manage')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Deactivated (soft); every session of the member ends.' })
  @ApiOperation({ summary: 'Deactivate a member', description: 'Soft: every session of the member ends and they can no longer sign in.' })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'No member with this id in the workspace.' })
  @ApiConflictResponse({ type: ErrorResponse, description: 'The workspace must keep at least one active owner (last_owner).' })
  async deactivate(@Param() params: IdParams, @Caller() caller: RequestContext): Promise<void> {
    await this.services.send<unknown, AuthRpc.IdRequest>('auth.users.deactivate', { id: params.id }, caller);
  }
}
