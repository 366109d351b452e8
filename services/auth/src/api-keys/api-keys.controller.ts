import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { AuthRpc } from '@kinship/contracts';
import { CreateApiKey, CreateApiKeyBody, ListApiKeys, RevokeApiKey } from '@kinship/contracts/auth';
import { Handles, PageDto, userCaller, ValidRequest, type OperationRequest, type RpcRequest } from '@kinship/messaging';
import { IdDto } from '../common/id.dto.js';
import { ApiKeysService } from './api-keys.service.js';
import { VerifyApiKeyDto } from './dto/verify-api-key.dto.js';

// Inputs are checked again here with the contract's classes: NATS is reachable without the gateway.
@Controller()
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Handles(CreateApiKey)
  create(@Payload(new ValidRequest(CreateApiKeyBody)) { context, data }: OperationRequest<typeof CreateApiKey>) {
    return this.apiKeys.create(userCaller(context), data, context);
  }

  @Handles(ListApiKeys)
  list(@Payload(new ValidRequest(PageDto)) { context, data }: OperationRequest<typeof ListApiKeys>) {
    return this.apiKeys.list(userCaller(context).workspaceId, data);
  }

  @Handles(RevokeApiKey)
  async revoke(@Payload(new ValidRequest(IdDto)) { context, data }: OperationRequest<typeof RevokeApiKey>) {
    await this.apiKeys.revoke(userCaller(context), data.id, context);
  }

  /** Internal, for the gateway's authentication of X-Api-Key. */
  @MessagePattern('auth.api-keys.verify')
  verify(@Payload(new ValidRequest(VerifyApiKeyDto)) request: RpcRequest<VerifyApiKeyDto>): Promise<AuthRpc.VerifiedApiKey> {
    return this.apiKeys.verify(request.data.key);
  }
}
