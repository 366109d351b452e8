import { NumberInput, Select, TextInput } from '@mantine/core';
import { useCustomFields, type CustomField } from '../../lib/custom-fields';
import { t } from '../../lib/i18n';
import { withCustomFieldCondition } from './contact-filters';
import type { CustomFieldConditions } from './contacts-api';

/**
 * One input per contact custom field of the workspace, typed by the field (a text, a number, a
 * day, one of the options, yes or no) and labelled with its label: a contact matches when it holds
 * every value given (the API compares custom fields for equality only).
 */
export function CustomFieldConditionInputs({
  value,
  onChange,
  disabled,
}: {
  value: CustomFieldConditions;
  onChange: (value: CustomFieldConditions) => void;
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
      disabled={disabled}
    />
  ));
}

function CustomFieldConditionInput({
  field,
  value,
  onChange,
  disabled,
}: {
  field: CustomField;
  value: string | number | boolean | undefined;
  onChange: (value: string | number | boolean | null) => void;
  disabled?: boolean;
}) {
  const common = { label: field.label, disabled, w: 180 };
  switch (field.type) {
    case 'number':
      return (
        <NumberInput
          {...common}
          value={typeof value === 'number' ? value : ''}
          onChange={(number) => onChange(typeof number === 'number' ? number : null)}
          hideControls
        />
      );
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
    case 'select':
      return <Select {...common} data={field.options} value={typeof value === 'string' ? value : null} onChange={onChange} clearable />;
    default:
      return (
        <TextInput
          {...common}
          type={field.type === 'date' ? 'date' : 'text'}
          value={typeof value === 'string' ? value : ''}
          onChange={(event) => onChange(event.currentTarget.value)}
        />
      );
  }
}
