import { Module } from '@nestjs/common';
import { CustomFieldValidator } from './custom-field-values.js';
import { CustomFieldsController } from './custom-fields.controller.js';
import { CustomFieldsRepository } from './custom-fields.repository.js';
import { CustomFieldsService } from './custom-fields.service.js';

/** crm.custom-fields.create, .get, .list, .update, .delete, .restore; exports the value checks every record write uses. */
@Module({
  controllers: [CustomFieldsController],
  providers: [CustomFieldValidator, CustomFieldsService, CustomFieldsRepository],
  exports: [CustomFieldValidator],
})
export class CustomFieldsModule {}
