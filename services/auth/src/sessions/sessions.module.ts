import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts.module.js';
import { SessionsController } from './sessions.controller.js';
import { SessionsService } from './sessions.service.js';

/** auth.sessions.login, .refresh and .logout. */
@Module({
  imports: [AccountsModule],
  controllers: [SessionsController],
  providers: [SessionsService],
})
export class SessionsModule {}
