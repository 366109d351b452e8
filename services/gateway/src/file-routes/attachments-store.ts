import { Module } from '@nestjs/common';
import type { Logger } from '@kinship/observability';
import { ATTACHMENT_FILES, AttachmentFilesModule, FileStore, LOGGER } from '@kinship/platform';
import { Thumbnails } from './thumbnails.js';

/** Provides the gateway's files controller with the attachments' FileStore (ATTACHMENT_FILES) and the thumbnails made in it. */
@Module({
  imports: [AttachmentFilesModule.register()],
  providers: [{ provide: Thumbnails, inject: [ATTACHMENT_FILES, LOGGER], useFactory: (files: FileStore, logger: Logger) => new Thumbnails(files, logger) }],
  exports: [AttachmentFilesModule, Thumbnails],
})
export class AttachmentsModule {}
