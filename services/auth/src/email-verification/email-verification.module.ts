import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts.module.js';
import { EmailVerificationController } from './email-verification.controller.js';

/** auth.email.verify; issuing verification tokens is EmailVerificationService's, in AccountsModule. */
@Module({
  imports: [AccountsModule],
  controllers: [EmailVerificationController],
})
export class EmailVerificationModule {}
