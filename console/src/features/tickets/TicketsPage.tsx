import { Badge, Button, Group, MultiSelect, Select, TagsInput, Title } from '@mantine/core';
import { DayFilterInputs, dayFilterIssues } from '../../components/DayFilterInputs';
import { useHotkeys } from '@mantine/hooks';
import { lazy, Suspense, useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { CompanyPicker, ContactPicker, MemberFilterSelect } from '../../components/RecordPickers';
import { RecordList, type RecordColumn } from '../../components/RecordList';
import { formatDateTime } from '../../lib/i18n';
import { t } from './i18n';
import { useCan } from '../../lib/me';
import { useWorkspaceUsers } from '../../lib/users';
import { NewTicketModal } from './NewTicketModal';
import { CLOCK_LABEL, ClockBadge } from './TicketPanels';
import {
  currentClock,
  NO_TICKET_FILTERS,
  relativeTime,
  TICKET_CHANNELS,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  TICKET_TYPES,
  ticketFilterState,
  ticketQuery,
  ticketsApi,
  type Ticket,
  type TicketFilterState,
} from './tickets-api';

// The bulk actions load on the first selection, not with the rows.
const TicketsBulkActions = lazy(() => import('./TicketsBulkActions').then((module) => ({ default: module.TicketsBulkActions })));

const label = (value: string) => ({ value, label: value });

export function Component() {
  const navigate = useNavigate();
  const canWrite = useCan('tickets:write');
  const [creating, setCreating] = useState(false);
  const [state, setState] = useState<TicketFilterState>(NO_TICKET_FILTERS);
  useHotkeys([['n', () => canWrite && setCreating(true)]]);
  const set = (changes: Partial<TicketFilterState>) => setState((current) => ({ ...current, ...changes }));
  const filters = ticketQuery(state);
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
        views={{ applyFilters: (view) => setState(view ? ticketFilterState(view) : NO_TICKET_FILTERS) }}
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
        toolbar={(issueAt) => (
          <>
            <MultiSelect
              label={t('field.status')}
              data={TICKET_STATUSES.map(label)}
              value={state.status}
              onChange={(status) => set({ status: status as TicketFilterState['status'] })}
              error={issueAt('status')}
              clearable
              w={260}
            />
            <MultiSelect
              label={t('field.priority')}
              data={TICKET_PRIORITIES.map(label)}
              value={state.priority}
              onChange={(priority) => set({ priority: priority as TicketFilterState['priority'] })}
              error={issueAt('priority')}
              clearable
              w={220}
            />
            <MultiSelect
              label={t('tickets.type')}
              data={TICKET_TYPES.map(label)}
              value={state.type}
              onChange={(type) => set({ type: type as TicketFilterState['type'] })}
              error={issueAt('type')}
              clearable
              w={200}
            />
            <MultiSelect
              label={t('tickets.channel')}
              data={TICKET_CHANNELS.map(label)}
              value={state.channel}
              onChange={(channel) => set({ channel: channel as TicketFilterState['channel'] })}
              error={issueAt('channel')}
              clearable
              w={200}
            />
            <MemberFilterSelect
              label={t('tickets.assignee')}
              meLabel={t('tickets.assigneeMe')}
              value={state.assigneeId}
              onChange={(assigneeId) => set({ assigneeId })}
            />
            <TagsInput label={t('field.tags')} value={state.tags} onChange={(tags) => set({ tags })} error={issueAt('tags')} w={200} />
            <ContactPicker label={t('filter.contact')} value={state.contactId} onChange={(contactId) => set({ contactId })} w={200} />
            <CompanyPicker
              label={t('filter.company')}
              value={state.companyId ? [state.companyId] : []}
              onChange={([companyId]) => set({ companyId: companyId ?? '' })}
              maxValues={1}
              error={issueAt('companyId')}
              w={200}
            />
            <Select
              label={t('tickets.breached')}
              data={[
                { value: 'true', label: t('common.yes') },
                { value: 'false', label: t('common.no') },
              ]}
              value={state.breached || null}
              onChange={(breached) => set({ breached: breached ?? '' })}
              error={issueAt('breached')}
              clearable
              w={130}
            />
            <DayFilterInputs
              fields={[
                ['createdFrom', t('filter.createdFrom')],
                ['createdTo', t('filter.createdTo')],
              ]}
              values={state}
              onChange={set}
              errors={dayFilterIssues({ createdFrom: 'createdAtFrom', createdTo: 'createdAtTo' }, issueAt)}
            />
          </>
        )}
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
