import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts.module.js';
import { RegistrationController } from './registration.controller.js';
import { RegistrationService } from './registration.service.js';
import { SignUpProbeThrottle } from './sign-up-probe-throttle.js';

/** auth.registration.register. */
@Module({
  imports: [AccountsModule],
  controllers: [RegistrationController],
  providers: [RegistrationService, SignUpProbeThrottle],
  exports: [RegistrationService],
})
export class RegistrationModule {}
