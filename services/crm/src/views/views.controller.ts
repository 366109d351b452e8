import { Controller } from '@nestjs/common';
import { CreateView, DeleteView, GetView, ListViews, UpdateView } from '@kinship/contracts/crm';
import { Handles, type OperationRequest } from '@kinship/messaging';
import { crmCaller } from '../common/crm-caller.js';
import { ViewsService } from './views.service.js';

@Controller()
export class ViewsController {
  constructor(private readonly views: ViewsService) {}

  @Handles(CreateView)
  create({ context, data }: OperationRequest<typeof CreateView>) {
    return this.views.create(crmCaller(context), data);
  }

  @Handles(ListViews)
  list({ context, data }: OperationRequest<typeof ListViews>) {
    return this.views.list(crmCaller(context), data);
  }

  @Handles(GetView)
  get({ context, data }: OperationRequest<typeof GetView>) {
    return this.views.get(crmCaller(context), data.id);
  }

  @Handles(UpdateView)
  update({ context, data }: OperationRequest<typeof UpdateView>) {
    return this.views.update(crmCaller(context), data);
  }

  @Handles(DeleteView)
  async delete({ context, data }: OperationRequest<typeof DeleteView>) {
    await this.views.delete(crmCaller(context), data.id);
  }
}
