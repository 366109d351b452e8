import { RecordBulkActions } from '../../components/BulkActions';
import { t } from './i18n';
import { TICKET_PRIORITIES, TICKET_STATUSES, ticketsApi, type Ticket } from './tickets-api';

/**
 * The tickets list's bulk actions on the selected rows: assign, set the status or the priority,
 * delete, through POST /tickets/bulk. Loaded with the first selection, not with the list.
 */
export function TicketsBulkActions({ selected, clear }: { selected: string[]; clear: (keep?: string[]) => void }) {
  return (
    <RecordBulkActions
      selected={selected}
      clear={clear}
      list="tickets"
      owner={{
        title: t('tickets.bulkAssignTitle', { count: selected.length }),
        set: (ids, assigneeId) => ticketsApi.bulk({ action: 'assign', ids, assigneeId }),
      }}
      choices={[
        {
          label: t('field.status'),
          title: t('tickets.bulkStatusTitle', { count: selected.length }),
          options: TICKET_STATUSES,
          send: (ids, status) => ticketsApi.bulk({ action: 'status', ids, status: status as Ticket['status'] }),
        },
        {
          label: t('field.priority'),
          title: t('tickets.bulkPriorityTitle', { count: selected.length }),
          options: TICKET_PRIORITIES,
          send: (ids, priority) => ticketsApi.bulk({ action: 'priority', ids, priority: priority as Ticket['priority'] }),
        },
      ]}
      remove={(ids) => ticketsApi.bulk({ action: 'delete', ids })}
    />
  );
}
