import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts.module.js';
import { InvitationsModule } from '../invitations/invitations.module.js';
import { OneTimeTokensController } from './one-time-tokens.controller.js';
import { OneTimeTokensService } from './one-time-tokens.service.js';

/** auth.one-time-tokens.issue: the tokens of invitation, password reset and verification links, minted at send time. */
@Module({
  imports: [AccountsModule, InvitationsModule],
  controllers: [OneTimeTokensController],
  providers: [OneTimeTokensService],
})
export class OneTimeTokensModule {}
