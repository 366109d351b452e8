import { Badge, Grid, Paper, Select, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { Conversation } from '../../components/Conversation';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FilesPanel } from '../../components/FilesPanel';
import { Loading } from '../../components/Loading';
import { RecordHeader } from '../../components/RecordHeader';
import { messageOf } from '../../lib/api-error';
import { InlineField } from '../../components/InlineField';
import { formatDateTime } from '../../lib/i18n';
import { t } from './i18n';
import { useCan } from '../../lib/me';
import { AssigneePicker, MergeTicket, MergedNotice, SlaPanel } from './TicketPanels';
import { tagsOf, TICKET_PRIORITIES, TICKET_STATUSES, ticketsApi, type Ticket } from './tickets-api';

export function Component() {
  const { id = '' } = useParams();
  const queryClient = useQueryClient();
  const canWrite = useCan('tickets:write');
  const ticket = useQuery({ queryKey: ['tickets', id], queryFn: () => ticketsApi.get(id) });

  const saved = async (changed: Ticket) => {
    queryClient.setQueryData(['tickets', id], changed);
    await queryClient.invalidateQueries({ queryKey: ['tickets', 'list'] });
  };
  /** Saves a change and rejects with the API's error, for the field that shows it. */
  const update = async (body: Parameters<typeof ticketsApi.update>[1]) => saved(await ticketsApi.update(id, body));
  /** Saves a change from a select, whose refusal is a toast. */
  const save = async (body: Parameters<typeof ticketsApi.update>[1]) => {
    try {
      await update(body);
    } catch (error) {
      notifications.show({ color: 'red', message: messageOf(error) });
    }
  };

  if (ticket.isPending) return <Loading />;
  if (ticket.isError) return <ErrorAlert error={ticket.error} />;
  const record = ticket.data;
  return (
    <Stack>
      <RecordHeader
        backTo="/tickets"
        backLabel={t('nav.tickets')}
        title={record.subject}
        subtitle={
          <>
            #T-{record.number} · {record.channel} · {formatDateTime(record.createdAt)}
          </>
        }
      >
        {record.breached && (
          <Badge size="lg" color="red">
            {t('tickets.breached')}
          </Badge>
        )}
      </RecordHeader>
      <MergedNotice ticket={record} />
      <Grid>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack>
            <Paper withBorder p="md">
              <Title order={2} size="h4" mb="sm">
                {t('contacts.details')}
              </Title>
              <Stack gap="sm">
                <InlineField
                  field="subject"
                  label={t('tickets.subject')}
                  value={record.subject}
                  disabled={!canWrite}
                  onSave={(subject) => update({ subject: subject ?? '' })}
                />
                <AssigneePicker ticket={record} disabled={!canWrite} onAssigned={(changed) => void saved(changed)} />
                <Select
                  label={t('field.status')}
                  data={[...TICKET_STATUSES]}
                  value={record.status}
                  disabled={!canWrite}
                  allowDeselect={false}
                  onChange={(status) => status && void save({ status: status as Ticket['status'] })}
                />
                <Select
                  label={t('field.priority')}
                  data={[...TICKET_PRIORITIES]}
                  value={record.priority}
                  disabled={!canWrite}
                  allowDeselect={false}
                  onChange={(priority) => priority && void save({ priority: priority as Ticket['priority'] })}
                />
                <InlineField
                  field="tags"
                  label={t('tickets.tags')}
                  value={record.tags.join(', ')}
                  disabled={!canWrite}
                  onSave={(tags) => update({ tags: tagsOf(tags) })}
                />
                {record.priorityReason && (
                  <Text size="sm" c="dimmed">
                    {record.priorityReason}
                  </Text>
                )}
                {record.description && <Text style={{ whiteSpace: 'pre-wrap' }}>{record.description}</Text>}
              </Stack>
            </Paper>
            <SlaPanel ticket={record} />
            {canWrite && !record.deletedAt && (
              <MergeTicket
                ticket={record}
                onMerged={async () => {
                  notifications.show({ color: 'green', message: t('tickets.merged') });
                  await queryClient.invalidateQueries({ queryKey: ['tickets'] });
                }}
              />
            )}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack>
            <Comments ticketId={id} canWrite={canWrite} />
            <FilesPanel records="tickets" id={id} />
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

function Comments({ ticketId, canWrite }: { ticketId: string; canWrite: boolean }) {
  const queryClient = useQueryClient();
  const comments = useQuery({ queryKey: ['tickets', ticketId, 'comments'], queryFn: () => ticketsApi.comments(ticketId) });
  return (
    <Conversation
      title={t('tickets.comments')}
      entries={comments.data?.data.map((comment) => ({ ...comment, author: comment.author === 'customer' ? t('tickets.customer') : t('tickets.agent') }))}
      loadError={comments.error}
      canWrite={canWrite}
      composeLabel={t('tickets.newComment')}
      submitLabel={t('tickets.reply')}
      internal={{ label: t('tickets.internal'), submitLabel: t('tickets.addNote'), badge: t('tickets.internalBadge') }}
      onAdd={async (body, internal) => {
        await ticketsApi.comment(ticketId, { body, internal });
        // A reply moves the SLA clocks and may move the status: the ticket is read again too.
        await queryClient.invalidateQueries({ queryKey: ['tickets', ticketId] });
      }}
    />
  );
}
