import { NumberInput, Select, TextInput } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { useCustomFields, type CustomField } from '../../lib/custom-fields';
import { t } from '../../lib/i18n';
import { withCustomFieldCondition } from './contact-filters';
import type { CustomFieldCondition, CustomFieldConditions, CustomFieldRange } from './contacts-api';

/**
 * The inputs of each contact custom field of the workspace, labelled with its label and offering
 * what its type compares: a text is or contains a text (any case), a number and a day lie between
 * bounds (either may be left empty), an option and yes or no are equal. A contact matches when
 * it meets every condition given. `errors` are the API's issues by field key.
 */
export function CustomFieldConditionInputs({
  value,
  onChange,
  errors = {},
  disabled,
}: {
  value: CustomFieldConditions;
  onChange: (value: CustomFieldConditions) => void;
  errors?: Record<string, ReactNode>;
  disabled?: boolean;
}) {
  const definitions = useCustomFields('contact');
  const fields = definitions.data?.data ?? [];
  return fields.map((field) => (
    <CustomFieldConditionInput
      key={field.key}
      field={field}
      value={value[field.key]}
      onChange={(condition) => onChange(withCustomFieldCondition(value, field.key, condition))}
      error={errors[field.key]}
      disabled={disabled}
    />
  ));
}

interface ConditionInputProps {
  field: CustomField;
  value: CustomFieldCondition | undefined;
  onChange: (value: CustomFieldCondition | null) => void;
  error?: ReactNode;
  disabled?: boolean;
}

function CustomFieldConditionInput({ field, value, onChange, error, disabled }: ConditionInputProps) {
  const common = { label: field.label, error, disabled, w: 180 };
  switch (field.type) {
    case 'text':
      return <TextConditionInput field={field} value={value} onChange={onChange} error={error} disabled={disabled} />;
    case 'number':
    case 'date':
      return <RangeConditionInputs field={field} value={value} onChange={onChange} error={error} disabled={disabled} />;
    case 'boolean':
      return (
        <Select
          {...common}
          data={[
            { value: 'true', label: t('common.yes') },
            { value: 'false', label: t('common.no') },
          ]}
          value={typeof value === 'boolean' ? String(value) : null}
          onChange={(choice) => onChange(choice === null ? null : choice === 'true')}
          clearable
        />
      );
    default:
      return <Select {...common} data={field.options} value={typeof value === 'string' ? value : null} onChange={onChange} clearable />;
  }
}

type TextOperator = 'contains' | 'is';

/** A text field: the operator (contains, the default, or is) and the text. */
function TextConditionInput({ field, value, onChange, error, disabled }: ConditionInputProps) {
  const [chosen, setChosen] = useState<TextOperator>('contains');
  // A condition given (a saved view's, a segment's) says its operator; the choice holds until then.
  const operator: TextOperator = typeof value === 'string' ? 'is' : typeof value === 'object' && 'contains' in value ? 'contains' : chosen;
  const text = typeof value === 'string' ? value : typeof value === 'object' && 'contains' in value ? value.contains : '';
  const condition = (next: TextOperator, typed: string): CustomFieldCondition => (next === 'is' ? typed : { contains: typed });
  return (
    <>
      <Select
        aria-label={t('filter.customFieldOperator', { label: field.label })}
        data={[
          { value: 'contains', label: t('filter.operatorContains') },
          { value: 'is', label: t('filter.operatorIs') },
        ]}
        value={operator}
        onChange={(next) => {
          if (next !== 'contains' && next !== 'is') return;
          setChosen(next);
          if (text) onChange(condition(next, text));
        }}
        allowDeselect={false}
        disabled={disabled}
        w={120}
        style={{ alignSelf: 'flex-end' }}
      />
      <TextInput
        label={t(operator === 'is' ? 'filter.customFieldIs' : 'filter.customFieldContains', { label: field.label })}
        value={text}
        onChange={(event) => {
          // The operator stays when the text is emptied (and with it the condition).
          setChosen(operator);
          onChange(condition(operator, event.currentTarget.value));
        }}
        error={error}
        disabled={disabled}
        w={180}
      />
    </>
  );
}

/** The bounds a condition gives: a range's, or a value's as both (a number or a day equal to it). */
function boundsOf(value: CustomFieldCondition | undefined): CustomFieldRange {
  if (typeof value === 'number' || typeof value === 'string') return { from: value, to: value };
  if (typeof value === 'object' && !('contains' in value)) return value;
  return {};
}

/** A number or a date field: from and to, inclusive, either left empty for no bound. The API's issue shows under from. */
function RangeConditionInputs({ field, value, onChange, error, disabled }: ConditionInputProps) {
  const bounds = boundsOf(value);
  const set = (changes: CustomFieldRange) => onChange({ ...bounds, ...changes });
  const labels = { from: t('filter.customFieldFrom', { label: field.label }), to: t('filter.customFieldTo', { label: field.label }) };
  if (field.type === 'number') {
    return (['from', 'to'] as const).map((bound) => (
      <NumberInput
        key={bound}
        label={labels[bound]}
        value={typeof bounds[bound] === 'number' ? bounds[bound] : ''}
        onChange={(number) => set({ [bound]: typeof number === 'number' ? number : undefined })}
        error={bound === 'from' ? error : Boolean(error)}
        disabled={disabled}
        hideControls
        w={150}
      />
    ));
  }
  return (['from', 'to'] as const).map((bound) => (
    <TextInput
      key={bound}
      type="date"
      label={labels[bound]}
      value={typeof bounds[bound] === 'string' ? bounds[bound] : ''}
      onChange={(event) => set({ [bound]: event.currentTarget.value || undefined })}
      error={bound === 'from' ? error : Boolean(error)}
      disabled={disabled}
      w={170}
    />
  ));
}
