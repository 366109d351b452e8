import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts.module.js';
import { InvitationsController } from './invitations.controller.js';
import { InvitationsRepository } from './invitations.repository.js';
import { InvitationsService } from './invitations.service.js';

/** auth.invitations.create, .list, .revoke and .accept. */
@Module({
  imports: [AccountsModule],
  controllers: [InvitationsController],
  providers: [InvitationsService, InvitationsRepository],
})
export class InvitationsModule {}
