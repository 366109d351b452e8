import type { components, operations } from '../../api/schema';
import { api } from '../../lib/api';
import { unwrap } from '../../lib/api-error';
import { dayEnd, dayOf, dayStart, listOf, strings, text } from '../../lib/list-filters';

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

/** Tags typed comma-separated, as PATCH takes them (it trims and de-duplicates too); nothing typed is none. */
export function tagsOf(text: string | null): string[] {
  return (text ?? '')
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '');
}

export type SlaClockKind = 'firstResponse' | 'nextResponse' | 'resolution';
/** running: due ahead; overdue: due passed unmet; met: met in time; metLate: met after it was due. */
export type SlaClockState = 'running' | 'overdue' | 'met' | 'metLate';
export interface SlaClock {
  kind: SlaClockKind;
  dueAt: string;
  metAt: string | null;
  state: SlaClockState;
}

type ClockFields = Pick<Ticket, 'firstRespondedAt' | 'firstResponseDueAt' | 'nextResponseDueAt' | 'resolutionDueAt' | 'resolvedAt'>;

/** The ticket's SLA clocks that have a deadline, each with where it stands at `now` (ms). */
export function slaClocks(ticket: ClockFields, now: number): SlaClock[] {
  const clocks: Array<{ kind: SlaClockKind; dueAt: string | null; metAt: string | null }> = [
    { kind: 'firstResponse', dueAt: ticket.firstResponseDueAt, metAt: ticket.firstRespondedAt },
    { kind: 'nextResponse', dueAt: ticket.nextResponseDueAt, metAt: null },
    { kind: 'resolution', dueAt: ticket.resolutionDueAt, metAt: ticket.resolvedAt },
  ];
  return clocks.flatMap(({ kind, dueAt, metAt }) => {
    if (!dueAt) return [];
    const due = Date.parse(dueAt);
    const state: SlaClockState = metAt ? (Date.parse(metAt) > due ? 'metLate' : 'met') : now > due ? 'overdue' : 'running';
    return [{ kind, dueAt, metAt, state }];
  });
}

/** The clock the team works against now: the one nextDeadline names, with its state. */
export function currentClock(ticket: ClockFields, now: number): SlaClock | null {
  const dueAt = nextDeadline(ticket);
  return slaClocks(ticket, now).find((clock) => clock.dueAt === dueAt && !clock.metAt) ?? null;
}

const RELATIVE_UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** How far `at` is from `now`, in the largest whole unit ("in 3 hours", "20 minutes ago"). */
export function relativeTime(at: string, now: number, locale?: string): string {
  const difference = Date.parse(at) - now;
  const [unit, size] = RELATIVE_UNITS.find(([, size]) => Math.abs(difference) >= size) ?? RELATIVE_UNITS[2]!;
  return new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(Math.trunc(difference / size), unit);
}

export const ticketsApi = {
  list: (query: TicketQuery) => unwrap(api.GET('/api/v1/tickets', { params: { query } })),
  get: (id: string) => unwrap(api.GET('/api/v1/tickets/{id}', { params: { path: { id } } })),
  create: (body: TicketBody) => unwrap(api.POST('/api/v1/tickets', { body })),
  update: (id: string, body: components['schemas']['UpdateTicketBody']) => unwrap(api.PATCH('/api/v1/tickets/{id}', { params: { path: { id } }, body })),
  assign: (id: string, assigneeId: string | null) => unwrap(api.POST('/api/v1/tickets/{id}/assign', { params: { path: { id } }, body: { assigneeId } })),
  bulk: (body: components['schemas']['BulkTicketsBody']) => unwrap(api.POST('/api/v1/tickets/bulk', { body })),
  merge: (id: string, otherId: string) => unwrap(api.POST('/api/v1/tickets/{id}/merge', { params: { path: { id } }, body: { otherId } })),
  comments: (id: string) => unwrap(api.GET('/api/v1/tickets/{id}/comments', { params: { path: { id }, query: { limit: 100 } } })),
  comment: (id: string, body: components['schemas']['CreateCommentBody']) =>
    unwrap(api.POST('/api/v1/tickets/{id}/comments', { params: { path: { id } }, body })),
};

export const TICKET_TYPES = ['question', 'incident', 'problem', 'task'] as const;
export const TICKET_CHANNELS = ['email', 'sms', 'web', 'phone', 'api'] as const;
/** The tickets list opens on those still being worked on. */
export const OPEN_TICKET_STATUSES: Ticket['status'][] = ['new', 'open', 'pending'];

/** The tickets list's filters as the inputs hold them ('' for none, the breached flag as "true"/"false"). */
export interface TicketFilterState {
  status: Ticket['status'][];
  priority: Ticket['priority'][];
  type: NonNullable<Ticket['type']>[];
  channel: Ticket['channel'][];
  assigneeId: string;
  contactId: string;
  companyId: string;
  tags: string[];
  breached: string;
  createdFrom: string;
  createdTo: string;
}

export const NO_TICKET_FILTERS: TicketFilterState = {
  status: OPEN_TICKET_STATUSES,
  priority: [],
  type: [],
  channel: [],
  assigneeId: '',
  contactId: '',
  companyId: '',
  tags: [],
  breached: '',
  createdFrom: '',
  createdTo: '',
};

/** The filters as GET /tickets takes them, empty ones left out. */
export function ticketQuery(state: TicketFilterState): Omit<TicketQuery, 'cursor' | 'limit' | 'sort' | 'q' | 'deleted'> {
  return {
    status: listOf(state.status),
    priority: listOf(state.priority),
    type: listOf(state.type),
    channel: listOf(state.channel),
    assigneeId: state.assigneeId || undefined,
    contactId: state.contactId || undefined,
    companyId: state.companyId || undefined,
    tags: listOf(state.tags),
    breached: state.breached === '' ? undefined : state.breached === 'true',
    createdAtFrom: dayStart(state.createdFrom),
    createdAtTo: dayEnd(state.createdTo),
  };
}

const oneOf = <T extends string>(choices: readonly T[], value: unknown): T[] =>
  strings(value).filter((item): item is T => (choices as readonly string[]).includes(item));

/** A saved view's filters back into the inputs. */
export function ticketFilterState(filters: Record<string, unknown>): TicketFilterState {
  return {
    status: oneOf(TICKET_STATUSES, filters.status),
    priority: oneOf(TICKET_PRIORITIES, filters.priority),
    type: oneOf(TICKET_TYPES, filters.type),
    channel: oneOf(TICKET_CHANNELS, filters.channel),
    assigneeId: text(filters.assigneeId),
    contactId: text(filters.contactId),
    companyId: text(filters.companyId),
    tags: strings(filters.tags),
    breached: typeof filters.breached === 'boolean' ? String(filters.breached) : '',
    createdFrom: dayOf(filters.createdAtFrom),
    createdTo: dayOf(filters.createdAtTo),
  };
}
