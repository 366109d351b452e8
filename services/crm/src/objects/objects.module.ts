import { Module } from '@nestjs/common';
import { ObjectCatalog } from './object-catalog.js';
import { ObjectRecordsService } from './object-records.service.js';
import { ObjectsController } from './objects.controller.js';
import { ObjectsRepository } from './objects.repository.js';
import { ObjectsService } from './objects.service.js';

/** crm.objects.* (custom object types and their fields) and crm.objects.records.* (their records). */
@Module({
  controllers: [ObjectsController],
  providers: [ObjectsService, ObjectRecordsService, ObjectsRepository, ObjectCatalog],
})
export class ObjectsModule {}
