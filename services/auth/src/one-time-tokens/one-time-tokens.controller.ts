import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { AuthRpc } from '@kinship/contracts';
import type { RpcRequest } from '@kinship/messaging';
import { callerWorkspace, ValidRequest } from '@kinship/messaging';
import { IssueOneTimeTokenDto } from './dto/issue-one-time-token.dto.js';
import { OneTimeTokensService } from './one-time-tokens.service.js';

@Controller()
export class OneTimeTokensController {
  constructor(private readonly oneTimeTokens: OneTimeTokensService) {}

  /** Internal, for notifications: the token of a link it is about to email. */
  @MessagePattern('auth.one-time-tokens.issue')
  issue(@Payload(new ValidRequest(IssueOneTimeTokenDto)) request: RpcRequest<IssueOneTimeTokenDto>): Promise<AuthRpc.OneTimeToken> {
    return this.oneTimeTokens.issue(callerWorkspace(request.context), request.data);
  }
}
