import { Module } from '@nestjs/common';
import { CrmSettingsController } from './crm-settings.controller.js';
import { CrmSettingsService } from './crm-settings.service.js';

/** crm.settings.get and .update: the workspace's default phone region. */
@Module({
  controllers: [CrmSettingsController],
  providers: [CrmSettingsService],
})
export class CrmSettingsModule {}
