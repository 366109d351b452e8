import { Controller } from '@nestjs/common';
import {
  AddObjectField,
  CreateObject,
  CreateObjectRecord,
  DeleteObject,
  DeleteObjectRecord,
  GetObject,
  GetObjectRecord,
  ListObjectRecords,
  ListObjects,
  RestoreObject,
  RemoveObjectField,
  RestoreObjectRecord,
  UpdateObject,
  UpdateObjectField,
  UpdateObjectRecord,
} from '@kinship/contracts/crm';
import { Handles, type OperationRequest } from '@kinship/messaging';
import { crmCaller } from '../common/crm-caller.js';
import { ObjectRecordsService } from './object-records.service.js';
import { ObjectsService } from './objects.service.js';

@Controller()
export class ObjectsController {
  constructor(
    private readonly objects: ObjectsService,
    private readonly records: ObjectRecordsService,
  ) {}

  @Handles(CreateObject)
  create({ context, data }: OperationRequest<typeof CreateObject>) {
    return this.objects.create(crmCaller(context), data);
  }

  @Handles(ListObjects)
  list({ context, data }: OperationRequest<typeof ListObjects>) {
    return this.objects.list(crmCaller(context), data);
  }

  @Handles(GetObject)
  get({ context, data }: OperationRequest<typeof GetObject>) {
    return this.objects.get(crmCaller(context), data.object);
  }

  @Handles(UpdateObject)
  update({ context, data }: OperationRequest<typeof UpdateObject>) {
    return this.objects.update(crmCaller(context), data);
  }

  @Handles(DeleteObject)
  async delete({ context, data }: OperationRequest<typeof DeleteObject>) {
    await this.objects.delete(crmCaller(context), data.object);
  }

  @Handles(RestoreObject)
  restore({ context, data }: OperationRequest<typeof RestoreObject>) {
    return this.objects.restore(crmCaller(context), data.object);
  }

  @Handles(AddObjectField)
  addField({ context, data }: OperationRequest<typeof AddObjectField>) {
    return this.objects.addField(crmCaller(context), data);
  }

  @Handles(UpdateObjectField)
  updateField({ context, data }: OperationRequest<typeof UpdateObjectField>) {
    return this.objects.updateField(crmCaller(context), data);
  }

  @Handles(RemoveObjectField)
  async removeField({ context, data }: OperationRequest<typeof RemoveObjectField>) {
    await this.objects.removeField(crmCaller(context), data);
  }

  @Handles(CreateObjectRecord)
  createRecord({ context, data }: OperationRequest<typeof CreateObjectRecord>) {
    return this.records.create(crmCaller(context), data);
  }

  @Handles(ListObjectRecords)
  listRecords({ context, data }: OperationRequest<typeof ListObjectRecords>) {
    return this.records.list(crmCaller(context), data);
  }

  @Handles(GetObjectRecord)
  getRecord({ context, data }: OperationRequest<typeof GetObjectRecord>) {
    return this.records.get(crmCaller(context), data.object, data.id);
  }

  @Handles(UpdateObjectRecord)
  updateRecord({ context, data }: OperationRequest<typeof UpdateObjectRecord>) {
    return this.records.update(crmCaller(context), data);
  }

  @Handles(DeleteObjectRecord)
  async deleteRecord({ context, data }: OperationRequest<typeof DeleteObjectRecord>) {
    await this.records.delete(crmCaller(context), data.object, data.id);
  }

  @Handles(RestoreObjectRecord)
  restoreRecord({ context, data }: OperationRequest<typeof RestoreObjectRecord>) {
    return this.records.restore(crmCaller(context), data.object, data.id);
  }
}
