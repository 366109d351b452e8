import { Module } from '@nestjs/common';
import { CustomFieldsModule } from '../custom-fields/custom-fields.module.js';
import { ObjectsModule } from '../objects/objects.module.js';
import { ViewsController } from './views.controller.js';
import { ViewsRepository } from './views.repository.js';
import { ViewsService } from './views.service.js';

/** crm.views.*: each user's saved views of the contacts, companies, deals, tasks and custom object lists. */
@Module({
  imports: [CustomFieldsModule, ObjectsModule],
  controllers: [ViewsController],
  providers: [ViewsService, ViewsRepository],
})
export class ViewsModule {}
