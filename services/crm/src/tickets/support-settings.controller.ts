import { Controller } from '@nestjs/common';
import { permissionOf, type AnyOperation } from '@kinship/contracts';
import {
  DeleteSlaPolicy,
  GetBusinessHours,
  GetTicketSettings,
  ListSlaPolicies,
  PutBusinessHours,
  PutSlaPolicy,
  PutTicketSettings,
} from '@kinship/contracts/crm';
import { Handles, type OperationRequest } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { assertHolds, crmCaller, type CrmCaller } from '../common/crm-caller.js';
import { SupportSettingsService } from './support-settings.service.js';

/** The caller, who must hold the operation's permission (checked again here: the gateway is not the only possible caller). */
function caller(context: RequestContext, operation: AnyOperation): CrmCaller {
  const crm = crmCaller(context);
  assertHolds(crm, permissionOf(operation));
  return crm;
}

@Controller()
export class SupportSettingsController {
  constructor(private readonly settings: SupportSettingsService) {}

  @Handles(ListSlaPolicies)
  policies({ context }: OperationRequest<typeof ListSlaPolicies>) {
    return this.settings.policies(caller(context, ListSlaPolicies));
  }

  @Handles(PutSlaPolicy)
  putPolicy({ context, data: { priority, ...targets } }: OperationRequest<typeof PutSlaPolicy>) {
    return this.settings.putPolicy(caller(context, PutSlaPolicy), priority, targets);
  }

  @Handles(DeleteSlaPolicy)
  deletePolicy({ context, data }: OperationRequest<typeof DeleteSlaPolicy>) {
    return this.settings.deletePolicy(caller(context, DeleteSlaPolicy), data.priority);
  }

  @Handles(GetBusinessHours)
  businessHours({ context }: OperationRequest<typeof GetBusinessHours>) {
    return this.settings.businessHours(caller(context, GetBusinessHours));
  }

  @Handles(PutBusinessHours)
  putBusinessHours({ context, data }: OperationRequest<typeof PutBusinessHours>) {
    return this.settings.putBusinessHours(caller(context, PutBusinessHours), data);
  }

  @Handles(GetTicketSettings)
  ticketSettings({ context }: OperationRequest<typeof GetTicketSettings>) {
    return this.settings.ticketSettings(caller(context, GetTicketSettings));
  }

  @Handles(PutTicketSettings)
  putTicketSettings({ context, data }: OperationRequest<typeof PutTicketSettings>) {
    return this.settings.putTicketSettings(caller(context, PutTicketSettings), data);
  }
}
