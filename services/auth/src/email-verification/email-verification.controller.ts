import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { RpcRequest } from '@kinship/messaging';
import { ValidRequest } from '@kinship/messaging';
import { VerifyEmailDto } from './dto/verify-email.dto.js';
import { EmailVerificationService } from './email-verification.service.js';

@Controller()
export class EmailVerificationController {
  constructor(private readonly emailVerification: EmailVerificationService) {}

  @MessagePattern('auth.email.verify')
  verify(@Payload(new ValidRequest(VerifyEmailDto)) request: RpcRequest<VerifyEmailDto>): Promise<Record<string, never>> {
    return this.emailVerification.verify(request.data.token);
  }
}
