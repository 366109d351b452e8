import { Badge, Button, Group, MultiSelect, Select, Title } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { RecordList, type RecordColumn } from '../../components/RecordList';
import { formatDateTime } from '../../lib/i18n';
import { t } from './i18n';
import { useCan } from '../../lib/me';
import { NewTicketModal } from './NewTicketModal';
import { nextDeadline, TICKET_PRIORITIES, TICKET_STATUSES, ticketsApi, type Ticket, type TicketQuery } from './tickets-api';

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
  const columns = useMemo<Array<RecordColumn<Ticket>>>(
    () => [
      { id: 'number', header: t('tickets.number'), cell: (ticket) => `#T-${ticket.number}` },
      { id: 'subject', header: t('tickets.subject'), cell: (ticket) => ticket.subject },
      { id: 'status', header: t('field.status'), cell: (ticket) => ticket.status },
      { id: 'priority', header: t('field.priority'), cell: (ticket) => <Badge variant="light">{ticket.priority}</Badge>, sortField: 'priority' },
      {
        // The SLA column shows the breach or the next deadline; its id is the field a view keeps.
        id: 'breached',
        header: t('tickets.sla'),
        cell: (ticket) => (ticket.breached ? <Badge color="red">{t('tickets.breached')}</Badge> : formatDateTime(nextDeadline(ticket))),
      },
      { id: 'createdAt', header: t('field.createdAt'), cell: (ticket) => formatDateTime(ticket.createdAt), sortField: 'createdAt' },
    ],
    [],
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
