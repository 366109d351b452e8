import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts.module.js';
import { ForgotPasswordThrottle } from './forgot-password-throttle.js';
import { PasswordsController } from './passwords.controller.js';
import { PasswordsService } from './passwords.service.js';

/** auth.passwords.forgot and .reset; hashing and the policy are in AccountsModule for every feature. */
@Module({
  imports: [AccountsModule],
  controllers: [PasswordsController],
  providers: [PasswordsService, ForgotPasswordThrottle],
})
export class PasswordsModule {}
