import { Alert, Button, Group, Paper, Stack } from '@mantine/core';
import type { FormEvent, ReactNode } from 'react';
import { t } from '../lib/i18n';

/** The panel that creates or edits one thing above its list: its inputs, what the API refused, then Cancel and Save. */
export function EditorPanel({
  label,
  error,
  onSubmit,
  onCancel,
  submitting,
  extraActions,
  children,
}: {
  /** Names the panel for screen readers, e.g. "New segment". */
  label: string;
  /** What the API said that belongs to no input. */
  error: string | null;
  onSubmit: (event?: FormEvent<HTMLFormElement>) => void;
  onCancel: () => void;
  submitting: boolean;
  /** Buttons before Cancel, e.g. Delete. */
  extraActions?: ReactNode;
  children: ReactNode;
}) {
  return (
    <Paper withBorder p="md" component="section" aria-label={label}>
      <form onSubmit={onSubmit} noValidate>
        <Stack maw={560}>
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          {children}
          <Group justify="flex-end">
            {extraActions}
            <Button variant="default" onClick={onCancel}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={submitting}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
