import { Anchor, Badge, Button, Grid, Group, Paper, Select, SimpleGrid, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { InlineField } from '../../components/InlineField';
import { Loading } from '../../components/Loading';
import { api } from '../../lib/api';
import { unwrap } from '../../lib/api-error';
import { formatDateTime, t } from '../../lib/i18n';
import { useCan } from '../../lib/me';
import { contactName, contactsApi, LIFECYCLE_STAGES, type Contact, type ContactBody } from './contacts-api';

const TEXT_FIELDS: Array<{ field: keyof ContactBody & keyof Contact; label: Parameters<typeof t>[0]; type?: string }> = [
  { field: 'firstName', label: 'field.firstName' },
  { field: 'lastName', label: 'field.lastName' },
  { field: 'email', label: 'field.email', type: 'email' },
  { field: 'phone', label: 'field.phone', type: 'tel' },
  { field: 'jobTitle', label: 'field.jobTitle' },
  { field: 'leadSource', label: 'field.leadSource' },
];

export function Component() {
  const { id = '' } = useParams();
  const queryClient = useQueryClient();
  const canWrite = useCan('contacts:write');
  const contact = useQuery({ queryKey: ['contacts', id], queryFn: () => contactsApi.get(id) });

  const save = async (body: ContactBody) => {
    const updated = await contactsApi.update(id, body);
    queryClient.setQueryData(['contacts', id], updated);
    await queryClient.invalidateQueries({ queryKey: ['contacts', 'list'] });
    await queryClient.invalidateQueries({ queryKey: ['timeline', id] });
  };

  if (contact.isPending) return <Loading />;
  if (contact.isError) return <ErrorAlert error={contact.error} />;
  const record = contact.data;
  return (
    <Stack>
      <Group justify="space-between">
        <div>
          <Anchor component={Link} to="/contacts" size="sm">
            ← {t('nav.contacts')}
          </Anchor>
          <Title order={1}>{contactName(record)}</Title>
        </div>
        <Badge size="lg" variant="light">
          {record.lifecycleStage.replace(/_/g, ' ')}
        </Badge>
      </Group>
      <Grid>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Paper withBorder p="md">
            <Title order={2} size="h4" mb="sm">
              {t('contacts.details')}
            </Title>
            <SimpleGrid cols={1} spacing="sm">
              {TEXT_FIELDS.map(({ field, label, type }) => (
                <InlineField
                  key={field}
                  field={field}
                  label={t(label)}
                  type={type}
                  value={(record[field] as string | null) ?? null}
                  disabled={!canWrite}
                  onSave={(value) => save({ [field]: value })}
                />
              ))}
              <Select
                label={t('field.lifecycleStage')}
                data={LIFECYCLE_STAGES.map((stage) => ({ value: stage, label: stage.replace(/_/g, ' ') }))}
                value={record.lifecycleStage}
                disabled={!canWrite}
                allowDeselect={false}
                onChange={(stage) => stage && void save({ lifecycleStage: stage as Contact['lifecycleStage'] })}
              />
              {record.companyName && (
                <Text size="sm">
                  {t('field.company')}: {record.companyName}
                </Text>
              )}
            </SimpleGrid>
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack>
            <Notes contactId={id} />
            <Tasks contactId={id} />
            <Timeline contactId={id} />
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

function Notes({ contactId }: { contactId: string }) {
  const queryClient = useQueryClient();
  const canWrite = useCan('notes:write');
  const [body, setBody] = useState('');
  const notes = useQuery({
    queryKey: ['notes', contactId],
    queryFn: () => unwrap(api.GET('/api/v1/notes', { params: { query: { relatedType: 'contact', relatedId: contactId, limit: 50 } } })),
  });
  const add = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/notes', { body: { body, related: { type: 'contact', id: contactId } } })),
    onSuccess: async () => {
      setBody('');
      await queryClient.invalidateQueries({ queryKey: ['notes', contactId] });
      await queryClient.invalidateQueries({ queryKey: ['timeline', contactId] });
    },
  });
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">
        {t('contacts.notes')}
      </Title>
      {canWrite && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (body.trim()) add.mutate();
          }}
        >
          <Textarea
            label={t('contacts.newNote')}
            value={body}
            onChange={(event) => setBody(event.currentTarget.value)}
            error={add.error?.message}
            autosize
            minRows={2}
          />
          <Button type="submit" mt="xs" size="xs" loading={add.isPending}>
            {t('contacts.addNote')}
          </Button>
        </form>
      )}
      {notes.isError && <ErrorAlert error={notes.error} />}
      <Stack gap="xs" mt="sm">
        {notes.data?.data.map((note) => (
          <Paper key={note.id} p="xs" bg="var(--mantine-color-default-hover)">
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {note.body}
            </Text>
            <Text size="xs" c="dimmed">
              {formatDateTime(note.createdAt)}
            </Text>
          </Paper>
        ))}
      </Stack>
    </Paper>
  );
}

function Tasks({ contactId }: { contactId: string }) {
  const queryClient = useQueryClient();
  const canWrite = useCan('tasks:write');
  const [title, setTitle] = useState('');
  const tasks = useQuery({
    queryKey: ['tasks', 'contact', contactId],
    queryFn: () => unwrap(api.GET('/api/v1/tasks', { params: { query: { relatedType: 'contact', relatedId: contactId, limit: 50 } } })),
  });
  const add = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/tasks', { body: { title, priority: 'normal', status: 'open', related: { type: 'contact', id: contactId } } })),
    onSuccess: async () => {
      setTitle('');
      await queryClient.invalidateQueries({ queryKey: ['tasks'] });
    },
  });
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">
        {t('nav.tasks')}
      </Title>
      {canWrite && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (title.trim()) add.mutate();
          }}
        >
          <Group align="end">
            <TextInput
              label={t('tasks.newTask')}
              value={title}
              onChange={(event) => setTitle(event.currentTarget.value)}
              error={add.error?.message}
              style={{ flex: 1 }}
            />
            <Button type="submit" loading={add.isPending}>
              {t('common.add')}
            </Button>
          </Group>
        </form>
      )}
      <Stack gap={4} mt="sm">
        {tasks.data?.data.map((task) => (
          <Group key={task.id} justify="space-between">
            <Text size="sm">{task.title}</Text>
            <Badge variant="outline">{task.status.replace(/_/g, ' ')}</Badge>
          </Group>
        ))}
      </Stack>
    </Paper>
  );
}

function Timeline({ contactId }: { contactId: string }) {
  const timeline = useQuery({ queryKey: ['timeline', contactId], queryFn: () => contactsApi.timeline(contactId) });
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">
        {t('contacts.timeline')}
      </Title>
      {timeline.isError && <ErrorAlert error={timeline.error} />}
      <Stack gap={4}>
        {timeline.data?.data.map((entry) => (
          <Group key={entry.id} justify="space-between" wrap="nowrap">
            <Text size="sm">{entry.kind.replace(/[._]/g, ' ')}</Text>
            <Text size="xs" c="dimmed">
              {formatDateTime(entry.occurredAt)}
            </Text>
          </Group>
        ))}
        {timeline.data?.data.length === 0 && <Text c="dimmed">{t('list.empty')}</Text>}
      </Stack>
    </Paper>
  );
}
