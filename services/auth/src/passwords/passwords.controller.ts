import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { RpcRequest } from '@kinship/messaging';
import { ValidRequest } from '@kinship/messaging';
import { ForgotPasswordDto } from './dto/forgot-password.dto.js';
import { ResetPasswordDto } from './dto/reset-password.dto.js';
import { PasswordsService } from './passwords.service.js';

@Controller()
export class PasswordsController {
  constructor(private readonly passwords: PasswordsService) {}

  @MessagePattern('auth.passwords.forgot')
  forgot(@Payload(new ValidRequest(ForgotPasswordDto)) request: RpcRequest<ForgotPasswordDto>): Promise<Record<string, never>> {
    return this.passwords.forgot(request.data.email, request.context);
  }

  @MessagePattern('auth.passwords.reset')
  reset(@Payload(new ValidRequest(ResetPasswordDto)) request: RpcRequest<ResetPasswordDto>): Promise<Record<string, never>> {
    return this.passwords.reset(request.data, request.context);
  }
}
