import { Module } from '@nestjs/common';
import { FilesModule } from '@kinship/platform';
import { CustomFieldsModule } from '../custom-fields/custom-fields.module.js';
import { ObjectsModule } from '../objects/objects.module.js';
import { ExportsController } from './exports.controller.js';
import { ExportsProcessor } from './exports.processor.js';
import { ExportsRepository } from './exports.repository.js';
import { ExportsService } from './exports.service.js';

/** crm.exports.*: exports of contacts, companies, deals and a custom object's records to CSV or XLSX, written by a Bull job into the FileStore. */
@Module({
  imports: [FilesModule.register(), CustomFieldsModule, ObjectsModule],
  controllers: [ExportsController],
  providers: [ExportsService, ExportsRepository, ExportsProcessor],
})
export class ExportsModule {}
