import { perRecord, RecordBulkActions } from '../../components/BulkActions';
import { t } from './i18n';
import { TICKET_PRIORITIES, TICKET_STATUSES, ticketsApi, type Ticket } from './tickets-api';

/**
 * The tickets list's bulk actions on the selected rows: assign, set the status or the priority,
 * delete. Tickets have no bulk request: one request per ticket, a few at a time. Loaded with the
 * first selection, not with the list.
 */
export function TicketsBulkActions({ selected, clear }: { selected: string[]; clear: (keep?: string[]) => void }) {
  return (
    <RecordBulkActions
      selected={selected}
      clear={clear}
      list="tickets"
      owner={{
        title: t('tickets.bulkAssignTitle', { count: selected.length }),
        set: (ids, assigneeId) => perRecord((id) => ticketsApi.assign(id, assigneeId))(ids),
      }}
      choices={[
        {
          label: t('field.status'),
          title: t('tickets.bulkStatusTitle', { count: selected.length }),
          options: TICKET_STATUSES,
          send: (ids, status) => perRecord((id) => ticketsApi.update(id, { status: status as Ticket['status'] }))(ids),
        },
        {
          label: t('field.priority'),
          title: t('tickets.bulkPriorityTitle', { count: selected.length }),
          options: TICKET_PRIORITIES,
          send: (ids, priority) => perRecord((id) => ticketsApi.update(id, { priority: priority as Ticket['priority'] }))(ids),
        },
      ]}
      remove={perRecord((id) => ticketsApi.remove(id))}
    />
  );
}
