import { Badge, Button, Checkbox, Group, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { useState } from 'react';
import { messageOf } from '../lib/api-error';
import { formatDateTime } from '../lib/i18n';
import { ErrorAlert } from './ErrorAlert';

export interface ConversationEntry {
  id: string;
  body: string;
  createdAt: string;
  /** Kept for the team: marked apart from what the customer sees. */
  internal?: boolean;
  /** Who wrote it, when the thread has more than one side (a ticket's customer and agents). */
  author?: string;
}

interface ConversationProps {
  title: string;
  entries: ConversationEntry[] | undefined;
  loadError?: unknown;
  canWrite: boolean;
  composeLabel: string;
  submitLabel: string;
  /** Offers writing an internal note (tickets): the checkbox's label, the button's and the entries' badge. */
  internal?: { label: string; submitLabel: string; badge: string };
  /** Saves a new entry; a refusal stays under the input with its message. */
  onAdd: (body: string, internal: boolean) => Promise<unknown>;
}

/** A record's thread of notes or comments, newest as the API orders them, with the form that adds one. */
export function Conversation({ title, entries, loadError, canWrite, composeLabel, submitLabel, internal, onAdd }: ConversationProps) {
  const [body, setBody] = useState('');
  const [isInternal, setInternal] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const submit = async () => {
    if (!body.trim() || saving) return;
    setSaving(true);
    try {
      await onAdd(body, isInternal);
      setBody('');
      setError(null);
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">
        {title}
      </Title>
      {canWrite && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void submit();
          }}
        >
          <Textarea label={composeLabel} value={body} onChange={(event) => setBody(event.currentTarget.value)} error={error} autosize minRows={2} />
          <Group mt="xs" justify={internal ? 'space-between' : 'flex-start'}>
            {internal && <Checkbox label={internal.label} checked={isInternal} onChange={(event) => setInternal(event.currentTarget.checked)} />}
            <Button type="submit" size="xs" loading={saving}>
              {internal && isInternal ? internal.submitLabel : submitLabel}
            </Button>
          </Group>
        </form>
      )}
      {loadError ? <ErrorAlert error={loadError} /> : null}
      <Stack gap="xs" mt="sm">
        {entries?.map((entry) => (
          <Paper
            key={entry.id}
            p="xs"
            bg={entry.internal ? 'var(--mantine-color-yellow-light)' : 'var(--mantine-color-default-hover)'}
            data-comment={entry.internal ? 'internal' : 'public'}
          >
            {(entry.author || entry.internal) && (
              <Group gap="xs" mb={4}>
                {entry.author && (
                  <Badge size="sm" variant="light">
                    {entry.author}
                  </Badge>
                )}
                {entry.internal && internal && (
                  <Badge size="sm" color="yellow" variant="filled" c="dark">
                    {internal.badge}
                  </Badge>
                )}
              </Group>
            )}
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {entry.body}
            </Text>
            <Text size="xs" c="dimmed">
              {formatDateTime(entry.createdAt)}
            </Text>
          </Paper>
        ))}
      </Stack>
    </Paper>
  );
}
