import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts.module.js';
import { AvatarFiles } from './avatar-files.js';
import { MeController } from './me.controller.js';
import { MeService } from './me.service.js';
import { MembersController } from './members.controller.js';
import { MembersService } from './members.service.js';

/** auth.me.* (one's own profile and settings) and auth.users.* (the workspace's members). */
@Module({
  imports: [AccountsModule],
  controllers: [MeController, MembersController],
  providers: [MeService, MembersService, AvatarFiles],
})
export class UsersModule {}
