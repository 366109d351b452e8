import { Controller } from '@nestjs/common';
import { GetRebuild, StartRebuild } from '@kinship/contracts/reporting';
import { callerWorkspace, Handles, type OperationRequest } from '@kinship/messaging';
import { isUuid } from '@kinship/persistence';
import { RebuildService } from './rebuild.service.js';

/** reporting.rebuilds.*: the gateway checked reports:rebuild (admins). */
@Controller()
export class RebuildController {
  constructor(private readonly rebuilds: RebuildService) {}

  @Handles(StartRebuild)
  start({ context }: OperationRequest<typeof StartRebuild>) {
    return this.rebuilds.start(callerWorkspace(context), isUuid(context.userId) ? context.userId : null);
  }

  @Handles(GetRebuild)
  get({ context, data }: OperationRequest<typeof GetRebuild>) {
    return this.rebuilds.get(callerWorkspace(context), data.id);
  }
}
