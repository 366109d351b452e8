import { Controller } from '@nestjs/common';
import {
  AssignTicket,
  CommentOnTicket,
  CreateTicket,
  DeleteTicket,
  GetTicket,
  ListTicketComments,
  ListTickets,
  MergeTicket,
  RestoreTicket,
  UpdateTicket,
} from '@kinship/contracts/crm';
import { Handles, type OperationRequest } from '@kinship/messaging';
import { crmCaller } from '../common/crm-caller.js';
import { TicketsService } from './tickets.service.js';

@Controller()
export class TicketsController {
  constructor(private readonly tickets: TicketsService) {}

  @Handles(CreateTicket)
  create({ context, data }: OperationRequest<typeof CreateTicket>) {
    return this.tickets.create(crmCaller(context), data);
  }

  @Handles(ListTickets)
  list({ context, data }: OperationRequest<typeof ListTickets>) {
    return this.tickets.list(crmCaller(context), data);
  }

  @Handles(GetTicket)
  get({ context, data }: OperationRequest<typeof GetTicket>) {
    return this.tickets.get(crmCaller(context), data.id);
  }

  @Handles(UpdateTicket)
  update({ context, data: { id, ...changes } }: OperationRequest<typeof UpdateTicket>) {
    return this.tickets.update(crmCaller(context), id, changes);
  }

  @Handles(DeleteTicket)
  delete({ context, data }: OperationRequest<typeof DeleteTicket>) {
    return this.tickets.delete(crmCaller(context), data.id);
  }

  @Handles(RestoreTicket)
  restore({ context, data }: OperationRequest<typeof RestoreTicket>) {
    return this.tickets.restore(crmCaller(context), data.id);
  }

  @Handles(AssignTicket)
  assign({ context, data }: OperationRequest<typeof AssignTicket>) {
    return this.tickets.assign(crmCaller(context), data.id, data.assigneeId);
  }

  @Handles(MergeTicket)
  merge({ context, data }: OperationRequest<typeof MergeTicket>) {
    return this.tickets.merge(crmCaller(context), data.id, data.otherId);
  }

  @Handles(CommentOnTicket)
  comment({ context, data: { id, ...comment } }: OperationRequest<typeof CommentOnTicket>) {
    return this.tickets.comment(crmCaller(context), id, comment);
  }

  @Handles(ListTicketComments)
  comments({ context, data }: OperationRequest<typeof ListTicketComments>) {
    return this.tickets.comments(crmCaller(context), data.id, data.limit, data.cursor);
  }
}
