import { Module } from '@nestjs/common';
import { InAppNotificationsController } from './in-app-notifications.controller.js';
import { InAppNotificationsRepository } from './in-app-notifications.repository.js';
import { InAppNotificationsService } from './in-app-notifications.service.js';

/** notifications.notifications.*: the bell of the web app. Triggers write through the repository. */
@Module({
  controllers: [InAppNotificationsController],
  providers: [InAppNotificationsService, InAppNotificationsRepository],
  exports: [InAppNotificationsRepository],
})
export class InAppNotificationsModule {}
