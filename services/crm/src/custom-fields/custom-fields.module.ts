import { Module } from '@nestjs/common';
import { CustomFieldValidator } from './custom-field-values.js';

@Module({
  providers: [CustomFieldValidator],
  exports: [CustomFieldValidator],
})
export class CustomFieldsModule {}
