import { Module } from '@nestjs/common';
import { BillingSettingsController } from './billing-settings.controller.js';
import { BillingSettingsService } from './billing-settings.service.js';

/** billing.settings.get and .update. */
@Module({
  controllers: [BillingSettingsController],
  providers: [BillingSettingsService],
  exports: [BillingSettingsService],
})
export class BillingSettingsModule {}
