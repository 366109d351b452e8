import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { AuthRpc } from '@kinship/contracts';
import type { RpcRequest } from '@kinship/messaging';
import { ValidRequest } from '@kinship/messaging';
import { RegisterDto } from './dto/register.dto.js';
import { RegistrationService } from './registration.service.js';

@Controller()
export class RegistrationController {
  constructor(private readonly registration: RegistrationService) {}

  @MessagePattern('auth.registration.register')
  register(@Payload(new ValidRequest(RegisterDto)) request: RpcRequest<RegisterDto>): Promise<AuthRpc.RegisterReply> {
    return this.registration.register(request.data, request.context);
  }
}
