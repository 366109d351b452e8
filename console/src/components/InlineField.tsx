import { ActionIcon, Group, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { ApiError, messageOf } from '../lib/api-error';
import { t } from '../lib/i18n';

interface InlineFieldProps {
  /** The API's name of the field: an error naming it is shown here. */
  field: string;
  label: string;
  value: string | null;
  disabled?: boolean;
  type?: string;
  /** Saves the new value (null when emptied); rejects with the API's error. */
  onSave: (value: string | null) => Promise<unknown>;
}

/**
 * A field shown as text that becomes an input on click or Enter: Enter or blur saves, Esc
 * cancels, and an API refusal stays at the field with its message until corrected.
 */
export function InlineField({ field, label, value, disabled, type = 'text', onSave }: InlineFieldProps) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(value ?? '');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const start = () => {
    if (disabled) return;
    setDraft(value ?? '');
    setError(null);
    setEditing(true);
  };
  const save = async (event?: FormEvent) => {
    event?.preventDefault();
    if (saving) return;
    if (draft === (value ?? '')) {
      setEditing(false);
      return;
    }
    setSaving(true);
    try {
      await onSave(draft.trim() === '' ? null : draft.trim());
      setEditing(false);
      setError(null);
    } catch (failure) {
      setError(failure instanceof ApiError ? (failure.fieldIssue(field) ?? failure.message) : messageOf(failure));
    } finally {
      setSaving(false);
    }
  };

  if (editing) {
    return (
      <form onSubmit={save} noValidate>
        <TextInput
          label={label}
          type={type}
          value={draft}
          error={error}
          disabled={saving}
          autoFocus
          onChange={(event) => setDraft(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              event.stopPropagation();
              setEditing(false);
              setError(null);
            }
          }}
          rightSection={
            <ActionIcon type="submit" variant="subtle" aria-label={t('common.save')} loading={saving}>
              ✓
            </ActionIcon>
          }
        />
      </form>
    );
  }
  return (
    <div>
      <Text size="sm" fw={500} component="div">
        {label}
      </Text>
      <UnstyledButton onClick={start} disabled={disabled} aria-label={`${t('inline.edit', { label })}: ${value || t('inline.empty')}`} w="100%">
        <Group gap={4} mih={36} px={4} style={{ borderRadius: 4, border: '1px dashed var(--mantine-color-default-border)' }}>
          <Text size="sm" c={value ? undefined : 'dimmed'}>
            {value || t('inline.empty')}
          </Text>
        </Group>
      </UnstyledButton>
    </div>
  );
}
