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
import { formatDateTime } from '../../lib/i18n';
import { t, type MessageKey } from './i18n';
import { useCan } from '../../lib/me';
import { TICKET_PRIORITIES, TICKET_STATUSES, ticketsApi, type Ticket } from './tickets-api';

/** The SLA's clocks: each running deadline, and when it was met where the ticket records that. */
const CLOCKS: Array<{ label: MessageKey; due: keyof Ticket; met?: keyof Ticket }> = [
  { label: 'tickets.firstResponse', due: 'firstResponseDueAt', met: 'firstRespondedAt' },
  { label: 'tickets.nextResponse', due: 'nextResponseDueAt' },
  { label: 'tickets.resolution', due: 'resolutionDueAt', met: 'resolvedAt' },
];

export function Component() {
  const { id = '' } = useParams();
  const queryClient = useQueryClient();
  const canWrite = useCan('tickets:write');
  const ticket = useQuery({ queryKey: ['tickets', id], queryFn: () => ticketsApi.get(id) });

  const save = async (body: Parameters<typeof ticketsApi.update>[1]) => {
    try {
      queryClient.setQueryData(['tickets', id], await ticketsApi.update(id, body));
      await queryClient.invalidateQueries({ queryKey: ['tickets', 'list'] });
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
      <Grid>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack>
            <Paper withBorder p="md">
              <Title order={2} size="h4" mb="sm">
                {t('contacts.details')}
              </Title>
              <Stack gap="sm">
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
                {record.priorityReason && (
                  <Text size="sm" c="dimmed">
                    {record.priorityReason}
                  </Text>
                )}
                {record.description && <Text style={{ whiteSpace: 'pre-wrap' }}>{record.description}</Text>}
              </Stack>
            </Paper>
            <Paper withBorder p="md">
              <Title order={2} size="h4" mb="sm">
                {t('tickets.sla')}
              </Title>
              {CLOCKS.every(({ due }) => !record[due]) ? (
                <Text size="sm" c="dimmed">
                  {t('tickets.noSla')}
                </Text>
              ) : (
                <Stack gap={4}>
                  {CLOCKS.filter(({ due }) => record[due]).map(({ label, due, met }) => (
                    <Text key={label} size="sm">
                      {t(label)}: {t('tickets.dueAt', { at: formatDateTime(record[due] as string) })}
                      {met && record[met] ? ` · ${t('tickets.metAt', { at: formatDateTime(record[met] as string) })}` : ''}
                    </Text>
                  ))}
                </Stack>
              )}
            </Paper>
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
