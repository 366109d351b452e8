import { Anchor, Badge, Button, Checkbox, Grid, Group, Paper, Select, Stack, Text, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { messageOf } from '../../lib/api-error';
import { formatDateTime, t, type MessageKey } from '../../lib/i18n';
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
      <Group justify="space-between">
        <div>
          <Anchor component={Link} to="/tickets" size="sm">
            ← {t('nav.tickets')}
          </Anchor>
          <Title order={1}>{record.subject}</Title>
          <Text size="sm" c="dimmed">
            #T-{record.number} · {record.channel} · {formatDateTime(record.createdAt)}
          </Text>
        </div>
        {record.breached && (
          <Badge size="lg" color="red">
            {t('tickets.breached')}
          </Badge>
        )}
      </Group>
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
          <Comments ticketId={id} canWrite={canWrite} />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

function Comments({ ticketId, canWrite }: { ticketId: string; canWrite: boolean }) {
  const queryClient = useQueryClient();
  const [body, setBody] = useState('');
  const [internal, setInternal] = useState(false);
  const comments = useQuery({ queryKey: ['tickets', ticketId, 'comments'], queryFn: () => ticketsApi.comments(ticketId) });
  const add = useMutation({
    mutationFn: () => ticketsApi.comment(ticketId, { body, internal }),
    onSuccess: async () => {
      setBody('');
      // A reply moves the SLA clocks and may move the status: the ticket is read again too.
      await queryClient.invalidateQueries({ queryKey: ['tickets', ticketId] });
    },
  });
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">
        {t('tickets.comments')}
      </Title>
      {canWrite && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (body.trim()) add.mutate();
          }}
        >
          <Textarea
            label={t('tickets.newComment')}
            value={body}
            onChange={(event) => setBody(event.currentTarget.value)}
            error={add.error && messageOf(add.error)}
            autosize
            minRows={2}
          />
          <Group mt="xs" justify="space-between">
            <Checkbox label={t('tickets.internal')} checked={internal} onChange={(event) => setInternal(event.currentTarget.checked)} />
            <Button type="submit" size="xs" loading={add.isPending}>
              {internal ? t('tickets.addNote') : t('tickets.reply')}
            </Button>
          </Group>
        </form>
      )}
      {comments.isError && <ErrorAlert error={comments.error} />}
      <Stack gap="xs" mt="sm">
        {comments.data?.data.map((comment) => (
          <Paper
            key={comment.id}
            p="xs"
            bg={comment.internal ? 'var(--mantine-color-yellow-light)' : 'var(--mantine-color-default-hover)'}
            data-comment={comment.internal ? 'internal' : 'public'}
          >
            <Group gap="xs" mb={4}>
              <Badge size="sm" variant="light">
                {comment.author === 'customer' ? t('tickets.customer') : t('tickets.agent')}
              </Badge>
              {comment.internal && (
                <Badge size="sm" color="yellow" variant="filled" c="dark">
                  {t('tickets.internalBadge')}
                </Badge>
              )}
            </Group>
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {comment.body}
            </Text>
            <Text size="xs" c="dimmed">
              {formatDateTime(comment.createdAt)}
            </Text>
          </Paper>
        ))}
      </Stack>
    </Paper>
  );
}
