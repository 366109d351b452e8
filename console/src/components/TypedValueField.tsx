import { Anchor, Button, Checkbox, Fieldset, Group, Input, MultiSelect, Select, SimpleGrid, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { Link } from 'react-router';
import { ApiError, messageOf } from '../lib/api-error';
import { t, type MessageKey } from '../lib/i18n';
import { ADDRESS_PARTS, formatValue, fromDraft, relationPath, toDraft, type AddressDraft, type Draft, type ValueType } from '../lib/typed-values';

/** A field declared by the workspace: a custom field of a contact, company or deal, or a field of a custom object. */
export interface TypedField {
  key: string;
  label: string;
  type: ValueType;
  options: string[];
  required?: boolean;
  target?: string | null;
}

const INPUT_TYPES: Partial<Record<ValueType, string>> = { email: 'email', phone: 'tel', url: 'url', date: 'date' };
const ADDRESS_LABELS: Record<(typeof ADDRESS_PARTS)[number], MessageKey> = {
  line1: 'values.line1',
  line2: 'values.line2',
  city: 'values.city',
  region: 'values.region',
  postalCode: 'values.postalCode',
  country: 'values.country',
};

/** The API's issue for this field (or one of its parts, `values.price.currency`), else its message. */
export function issueAt(error: unknown, name: string): string {
  if (!(error instanceof ApiError)) return messageOf(error);
  const detail = error.details.find((candidate) => candidate.field === name || candidate.field?.startsWith(`${name}.`));
  return detail?.issue ?? error.message;
}

/** The input for one declared field, by its type; controlled, holding a Draft. */
export function TypedInput({
  field,
  draft,
  onChange,
  error,
  autoFocus,
}: {
  field: TypedField;
  draft: Draft;
  onChange: (draft: Draft) => void;
  error?: string | null;
  autoFocus?: boolean;
}) {
  const common = { label: field.label, required: field.required, error: error || undefined, autoFocus };
  switch (field.type) {
    case 'boolean':
      return <Checkbox {...common} checked={draft === true} onChange={(event) => onChange(event.currentTarget.checked)} />;
    case 'select':
      return (
        <Select {...common} data={field.options} value={(draft as string) || null} clearable={!field.required} onChange={(value) => onChange(value ?? '')} />
      );
    case 'multi_select':
      return <MultiSelect {...common} data={field.options} value={draft as string[]} clearable onChange={onChange} />;
    case 'currency': {
      const money = draft as { amount: string; currency: string };
      return (
        <Group grow align="start" gap="xs">
          <TextInput
            {...common}
            label={t('values.amountOf', { label: field.label })}
            inputMode="decimal"
            value={money.amount}
            onChange={(event) => onChange({ ...money, amount: event.currentTarget.value })}
          />
          <TextInput
            label={t('values.currencyOf', { label: field.label })}
            required={field.required}
            maxLength={3}
            value={money.currency}
            onChange={(event) => onChange({ ...money, currency: event.currentTarget.value.toUpperCase() })}
          />
        </Group>
      );
    }
    case 'address': {
      const address = draft as AddressDraft;
      return (
        <Fieldset legend={field.label}>
          <SimpleGrid cols={2} spacing="xs">
            {ADDRESS_PARTS.map((part, index) => (
              <TextInput
                key={part}
                label={t(ADDRESS_LABELS[part])}
                autoFocus={autoFocus && index === 0}
                value={address[part]}
                onChange={(event) => onChange({ ...address, [part]: event.currentTarget.value })}
              />
            ))}
          </SimpleGrid>
          {error && <Input.Error mt="xs">{error}</Input.Error>}
        </Fieldset>
      );
    }
    default:
      return (
        <TextInput
          {...common}
          type={INPUT_TYPES[field.type] ?? 'text'}
          inputMode={field.type === 'number' ? 'decimal' : undefined}
          description={field.type === 'relation' ? t('values.relationHint', { target: field.target ?? '' }) : undefined}
          value={draft as string}
          onChange={(event) => onChange(event.currentTarget.value)}
        />
      );
  }
}

/**
 * A declared field shown as its value that becomes its typed input on click: Save or Enter sends
 * it, Esc cancels, and the API's refusal stays at the field (`name` is what the API calls it:
 * `values.<key>` or `customFields.<key>`) until it is corrected.
 */
export function TypedValueField({
  field,
  name,
  value,
  disabled,
  onSave,
}: {
  field: TypedField;
  name: string;
  value: unknown;
  disabled?: boolean;
  onSave: (value: unknown) => Promise<unknown>;
}) {
  const [draft, setDraft] = useState<Draft | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const shown = formatValue(field.type, value);

  const cancel = () => {
    setDraft(null);
    setError(null);
  };
  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (draft === null || saving) return;
    const converted = fromDraft(field.type, draft);
    if ('problem' in converted) {
      setError(t(converted.problem === 'amount' ? 'values.amountInvalid' : 'values.currencyInvalid'));
      return;
    }
    setSaving(true);
    try {
      await onSave(converted.value);
      cancel();
    } catch (failure) {
      setError(issueAt(failure, name));
    } finally {
      setSaving(false);
    }
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.stopPropagation();
    cancel();
  };

  if (draft !== null) {
    return (
      <form onSubmit={save} onKeyDown={onKeyDown} noValidate data-field={field.key}>
        <TypedInput field={field} draft={draft} onChange={setDraft} error={error} autoFocus />
        <Group gap="xs" mt={6}>
          <Button type="submit" size="xs" loading={saving}>
            {t('common.save')}
          </Button>
          <Button size="xs" variant="default" onClick={cancel}>
            {t('common.cancel')}
          </Button>
        </Group>
      </form>
    );
  }
  return (
    <div data-field={field.key}>
      <Text size="sm" fw={500} component="div">
        {field.label}
      </Text>
      <UnstyledButton
        onClick={() => !disabled && setDraft(toDraft(field.type, value))}
        disabled={disabled}
        aria-label={`${t('inline.edit', { label: field.label })}: ${shown || t('inline.empty')}`}
        w="100%"
      >
        <Group gap={4} mih={36} px={4} style={{ borderRadius: 4, border: '1px dashed var(--mantine-color-default-border)' }}>
          <Text size="sm" c={shown ? undefined : 'dimmed'}>
            {shown || t('inline.empty')}
          </Text>
        </Group>
      </UnstyledButton>
      {field.type === 'relation' && typeof value === 'string' && (
        <Anchor component={Link} to={relationPath(field.target ?? null, value)} size="xs">
          {t('values.openRelated')}
        </Anchor>
      )}
    </div>
  );
}
