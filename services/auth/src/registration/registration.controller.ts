import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Register, RegisterBody } from '@kinship/contracts/auth';
import { Handles, ValidRequest, type OperationRequest } from '@kinship/messaging';
import { RegistrationService } from './registration.service.js';

// Inputs are checked again here with the contract's classes: NATS is reachable without the gateway.
@Controller()
export class RegistrationController {
  constructor(private readonly registration: RegistrationService) {}

  @Handles(Register)
  register(@Payload(new ValidRequest(RegisterBody)) { context, data }: OperationRequest<typeof Register>) {
    return this.registration.register(data, context);
  }
}
