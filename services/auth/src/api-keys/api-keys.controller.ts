import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { AuthRpc } from '@kinship/contracts';
import type { RpcRequest } from '@kinship/messaging';
import { userCaller } from '@kinship/messaging';
import { IdDto } from '../common/id.dto.js';
import { ValidRequest } from '@kinship/messaging';
import { ApiKeysService } from './api-keys.service.js';
import { CreateApiKeyDto } from './dto/create-api-key.dto.js';
import { ListApiKeysDto } from './dto/list-api-keys.dto.js';
import { VerifyApiKeyDto } from './dto/verify-api-key.dto.js';

@Controller()
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @MessagePattern('auth.api-keys.create')
  create(@Payload(new ValidRequest(CreateApiKeyDto)) request: RpcRequest<CreateApiKeyDto>): Promise<AuthRpc.CreatedApiKey> {
    return this.apiKeys.create(userCaller(request.context), request.data, request.context);
  }

  @MessagePattern('auth.api-keys.list')
  list(@Payload(new ValidRequest(ListApiKeysDto)) request: RpcRequest<ListApiKeysDto>): Promise<AuthRpc.ApiKeyPage> {
    return this.apiKeys.list(userCaller(request.context).workspaceId, request.data);
  }

  @MessagePattern('auth.api-keys.revoke')
  revoke(@Payload(new ValidRequest(IdDto)) request: RpcRequest<IdDto>): Promise<Record<string, never>> {
    return this.apiKeys.revoke(userCaller(request.context), request.data.id, request.context);
  }

  @MessagePattern('auth.api-keys.verify')
  verify(@Payload(new ValidRequest(VerifyApiKeyDto)) request: RpcRequest<VerifyApiKeyDto>): Promise<AuthRpc.VerifiedApiKey> {
    return this.apiKeys.verify(request.data.key);
  }
}
