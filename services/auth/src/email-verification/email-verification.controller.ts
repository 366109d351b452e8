import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { VerifyEmail, VerifyEmailBody } from '@kinship/contracts/auth';
import { Handles, ValidRequest, type OperationRequest } from '@kinship/messaging';
import { EmailVerificationService } from './email-verification.service.js';

// Inputs are checked again here with the contract's classes: NATS is reachable without the gateway.
@Controller()
export class EmailVerificationController {
  constructor(private readonly emailVerification: EmailVerificationService) {}

  @Handles(VerifyEmail)
  async verify(@Payload(new ValidRequest(VerifyEmailBody)) { data }: OperationRequest<typeof VerifyEmail>) {
    await this.emailVerification.verify(data.token);
  }
}
