import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { ForgotPassword, ForgotPasswordBody, ResetPassword, ResetPasswordBody } from '@kinship/contracts/auth';
import { Handles, ValidRequest, type OperationRequest } from '@kinship/messaging';
import { PasswordsService } from './passwords.service.js';

// Inputs are checked again here with the contract's classes: NATS is reachable without the gateway.
@Controller()
export class PasswordsController {
  constructor(private readonly passwords: PasswordsService) {}

  @Handles(ForgotPassword)
  async forgot(@Payload(new ValidRequest(ForgotPasswordBody)) { context, data }: OperationRequest<typeof ForgotPassword>) {
    await this.passwords.forgot(data.email, context);
  }

  @Handles(ResetPassword)
  async reset(@Payload(new ValidRequest(ResetPasswordBody)) { context, data }: OperationRequest<typeof ResetPassword>) {
    await this.passwords.reset(data, context);
  }
}
