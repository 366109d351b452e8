import type { components, operations } from '../../api/schema';
import { api } from '../../lib/api';
import { unwrap } from '../../lib/api-error';

export type Ticket = components['schemas']['Ticket'];
export type TicketBody = components['schemas']['CreateTicketBody'];
export type TicketQuery = NonNullable<operations['crm.tickets.list']['parameters']['query']>;

export const TICKET_STATUSES = ['new', 'open', 'pending', 'resolved', 'closed'] as const;
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;

/** The next SLA deadline still running: the first response's, else the next response's, else the resolution's. */
export function nextDeadline(
  ticket: Pick<Ticket, 'firstRespondedAt' | 'firstResponseDueAt' | 'nextResponseDueAt' | 'resolutionDueAt' | 'resolvedAt'>,
): string | null {
  if (ticket.resolvedAt) return null;
  if (!ticket.firstRespondedAt && ticket.firstResponseDueAt) return ticket.firstResponseDueAt;
  return ticket.nextResponseDueAt ?? ticket.resolutionDueAt;
}

export const ticketsApi = {
  list: (query: TicketQuery) => unwrap(api.GET('/api/v1/tickets', { params: { query } })),
  get: (id: string) => unwrap(api.GET('/api/v1/tickets/{id}', { params: { path: { id } } })),
  create: (body: TicketBody) => unwrap(api.POST('/api/v1/tickets', { body })),
  update: (id: string, body: components['schemas']['UpdateTicketBody']) => unwrap(api.PATCH('/api/v1/tickets/{id}', { params: { path: { id } }, body })),
  comments: (id: string) => unwrap(api.GET('/api/v1/tickets/{id}/comments', { params: { path: { id }, query: { limit: 100 } } })),
  comment: (id: string, body: components['schemas']['CreateCommentBody']) =>
    unwrap(api.POST('/api/v1/tickets/{id}/comments', { params: { path: { id } }, body })),
};
