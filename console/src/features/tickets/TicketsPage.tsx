import { Badge, Button, Group, MultiSelect, Select, Title } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { lazy, Suspense, useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { RecordList, type RecordColumn } from '../../components/RecordList';
import { formatDateTime } from '../../lib/i18n';
import { t } from './i18n';
import { useCan } from '../../lib/me';
import { useWorkspaceUsers } from '../../lib/users';
import { NewTicketModal } from './NewTicketModal';
import { CLOCK_LABEL, ClockBadge } from './TicketPanels';
import { currentClock, relativeTime, TICKET_PRIORITIES, TICKET_STATUSES, ticketsApi, type Ticket, type TicketQuery } from './tickets-api';

// The bulk actions load on the first selection, not with the rows.
const TicketsBulkActions = lazy(() => import('./TicketsBulkActions').then((module) => ({ default: module.TicketsBulkActions })));

const label = (value: string) => ({ value, label: value });
const OPEN_STATUSES = ['new', 'open', 'pending'];
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

export function Component() {
  const navigate = useNavigate();
  const canWrite = useCan('tickets:write');
  const [creating, setCreating] = useState(false);
  const [status, setStatus] = useState<string[]>(OPEN_STATUSES);
  const [priority, setPriority] = useState<string[]>([]);
  const [breached, setBreached] = useState<string | null>(null);
  useHotkeys([['n', () => canWrite && setCreating(true)]]);

  const filters: Omit<TicketQuery, 'cursor' | 'limit' | 'sort' | 'q'> = {
    status: status.length ? (status as Ticket['status'][]) : undefined,
    priority: priority.length ? (priority as Ticket['priority'][]) : undefined,
    breached: breached === null ? undefined : breached === 'true',
  };
  const users = useWorkspaceUsers();
  const names = useMemo(() => new Map((users.data?.data ?? []).map((user) => [user.id, user.name])), [users.data]);
  const columns = useMemo<Array<RecordColumn<Ticket>>>(
    () => [
      { id: 'number', header: t('tickets.number'), cell: (ticket) => `#T-${ticket.number}` },
      { id: 'subject', header: t('tickets.subject'), cell: (ticket) => ticket.subject },
      { id: 'status', header: t('field.status'), cell: (ticket) => ticket.status },
      { id: 'priority', header: t('field.priority'), cell: (ticket) => <Badge variant="light">{ticket.priority}</Badge>, sortField: 'priority' },
      {
        id: 'assigneeId',
        header: t('tickets.assignee'),
        cell: (ticket) => (ticket.assigneeId ? (names.get(ticket.assigneeId) ?? '') : t('tickets.unassigned')),
      },
      // The SLA column's id is the field a saved view keeps.
      { id: 'breached', header: t('tickets.sla'), cell: (ticket) => <SlaCell ticket={ticket} /> },
      { id: 'createdAt', header: t('field.createdAt'), cell: (ticket) => formatDateTime(ticket.createdAt), sortField: 'createdAt' },
    ],
    [names],
  );

  return (
    <>
      <Group justify="space-between" mb="md">
        <Title order={1}>{t('nav.tickets')}</Title>
        {canWrite && <Button onClick={() => setCreating(true)}>{t('tickets.new')}</Button>}
      </Group>
      <RecordList<Ticket>
        name="tickets"
        searchLabel={t('tickets.search')}
        columns={columns}
        filters={filters}
        views={{
          applyFilters: (view) => {
            setStatus(view ? strings(view.status) : OPEN_STATUSES);
            setPriority(strings(view?.priority));
            setBreached(typeof view?.breached === 'boolean' ? String(view.breached) : null);
          },
        }}
        initialSort="-createdAt"
        fetchPage={(request) => ticketsApi.list({ ...filters, ...request })}
        onOpen={(ticket) => navigate(`/tickets/${ticket.id}`)}
        bulkActions={
          canWrite
            ? (selected, clear) => (
                <Suspense fallback={null}>
                  <TicketsBulkActions selected={selected} clear={clear} />
                </Suspense>
              )
            : undefined
        }
        toolbar={
          <>
            <MultiSelect label={t('field.status')} data={TICKET_STATUSES.map(label)} value={status} onChange={setStatus} clearable w={260} />
            <MultiSelect label={t('field.priority')} data={TICKET_PRIORITIES.map(label)} value={priority} onChange={setPriority} clearable w={220} />
            <Select
              label={t('tickets.breached')}
              data={[
                { value: 'true', label: t('common.yes') },
                { value: 'false', label: t('common.no') },
              ]}
              value={breached}
              onChange={setBreached}
              clearable
              w={130}
            />
          </>
        }
      />
      <NewTicketModal opened={creating} onClose={() => setCreating(false)} onCreated={(ticket) => navigate(`/tickets/${ticket.id}`)} />
    </>
  );
}

/** The clock the team works against (its name, state and how far its deadline is), and whether a deadline was already missed. */
function SlaCell({ ticket }: { ticket: Ticket }) {
  const clock = currentClock(ticket, Date.now());
  return (
    <Group gap={4} wrap="nowrap" data-sla={clock?.state ?? 'none'}>
      {ticket.breached && <Badge color="red">{t('tickets.breached')}</Badge>}
      {clock ? (
        <>
          <ClockBadge state={clock.state} />
          <span title={formatDateTime(clock.dueAt)}>
            {t(CLOCK_LABEL[clock.kind])} {relativeTime(clock.dueAt, Date.now())}
          </span>
        </>
      ) : (
        !ticket.breached && t('tickets.noDeadline')
      )}
    </Group>
  );
}
