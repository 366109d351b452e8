import { Badge, Button, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../lib/api';
import { unwrap } from '../lib/api-error';
import { formatDateTime, t } from '../lib/i18n';
import { useCan } from '../lib/me';
import { Conversation } from './Conversation';
import { ErrorAlert } from './ErrorAlert';
import { FilesPanel, type FileHolder } from './FilesPanel';

/** The record a panel belongs to: a contact, company or deal, or a custom object's record (named with its object's key). */
export type RelatedRecord = { type: 'contact' | 'company' | 'deal'; id: string } | { type: 'record'; id: string; object: string };

/** Where a record's files live in the API, by the kind of record the panels belong to. */
function filesOf(related: RelatedRecord): FileHolder {
  if (related.type === 'record') return `objects/${related.object}/records`;
  return ({ contact: 'contacts', company: 'companies', deal: 'deals' } as const)[related.type];
}

/** The right-hand column of a record's page: its notes, tasks, files and timeline. */
export function RecordActivity({ related }: { related: RelatedRecord }) {
  return (
    <Stack>
      <RecordNotes related={related} />
      <RecordTasks related={related} />
      <FilesPanel records={filesOf(related)} id={related.id} />
      <RecordTimeline related={related} />
    </Stack>
  );
}

/** The record's notes through the shared conversation. */
export function RecordNotes({ related }: { related: RelatedRecord }) {
  const queryClient = useQueryClient();
  const canWrite = useCan('notes:write');
  const notes = useQuery({
    queryKey: ['notes', related.id],
    queryFn: () => unwrap(api.GET('/api/v1/notes', { params: { query: { relatedType: related.type, relatedId: related.id, limit: 50 } } })),
  });
  return (
    <Conversation
      title={t('contacts.notes')}
      entries={notes.data?.data}
      loadError={notes.error}
      canWrite={canWrite}
      composeLabel={t('contacts.newNote')}
      submitLabel={t('contacts.addNote')}
      onAdd={async (body) => {
        await unwrap(api.POST('/api/v1/notes', { body: { body, related: { type: related.type, id: related.id } } }));
        await queryClient.invalidateQueries({ queryKey: ['notes', related.id] });
        await queryClient.invalidateQueries({ queryKey: ['timeline', related.id] });
      }}
    />
  );
}

export function RecordTasks({ related }: { related: RelatedRecord }) {
  const queryClient = useQueryClient();
  const canWrite = useCan('tasks:write');
  const [title, setTitle] = useState('');
  const tasks = useQuery({
    queryKey: ['tasks', related.type, related.id],
    queryFn: () => unwrap(api.GET('/api/v1/tasks', { params: { query: { relatedType: related.type, relatedId: related.id, limit: 50 } } })),
  });
  const add = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/v1/tasks', { body: { title, priority: 'normal', status: 'open', related: { type: related.type, id: related.id } } })),
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
      {tasks.isError && <ErrorAlert error={tasks.error} />}
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

function timelineOf(related: RelatedRecord) {
  const { type, id } = related;
  const params = { params: { path: { id }, query: { limit: 50 } } };
  if (related.type === 'record') {
    return unwrap(api.GET('/api/v1/objects/{object}/records/{id}/timeline', { params: { path: { object: related.object, id }, query: { limit: 50 } } }));
  }
  if (type === 'company') return unwrap(api.GET('/api/v1/companies/{id}/timeline', params));
  if (type === 'deal') return unwrap(api.GET('/api/v1/deals/{id}/timeline', params));
  return unwrap(api.GET('/api/v1/contacts/{id}/timeline', params));
}

export function RecordTimeline({ related }: { related: RelatedRecord }) {
  const timeline = useQuery({ queryKey: ['timeline', related.id], queryFn: () => timelineOf(related) });
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">
        {t('contacts.timeline')}
      </Title>
      {timeline.isError && <ErrorAlert error={timeline.error} />}
      <Stack gap={4}>
        {timeline.data?.data.map((entry) => (
          <Group key={`${entry.kind}:${entry.id}`} justify="space-between" wrap="nowrap">
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
