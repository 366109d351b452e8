import { Module } from '@nestjs/common';
import { FilesController } from './files.controller.js';
import { FilesRepository } from './files.repository.js';
import { FilesService } from './files.service.js';

/** crm.files.*: uploaded files' metadata, attachments to records and the storage quota. */
@Module({
  controllers: [FilesController],
  providers: [FilesService, FilesRepository],
  exports: [FilesService],
})
export class CrmFilesModule {}
