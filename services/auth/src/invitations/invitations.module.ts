import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts.module.js';
import { InvitationsController } from './invitations.controller.js';
import { InvitationsRepository } from './invitations.repository.js';
import { InvitationsService } from './invitations.service.js';

/** auth.invitations.create, .list, .revoke and .accept; the repository is also one-time-tokens'. */
@Module({
  imports: [AccountsModule],
  controllers: [InvitationsController],
  providers: [InvitationsService, InvitationsRepository],
  exports: [InvitationsRepository],
})
export class InvitationsModule {}
