import { Paper, SimpleGrid, Title } from '@mantine/core';
import { useCustomFields } from '../lib/custom-fields';
import { t } from '../lib/i18n';
import { ErrorAlert } from './ErrorAlert';
import { TypedValueField } from './TypedValueField';

/**
 * The workspace's custom fields of a contact, company or deal, each shown and edited by its type;
 * a save sends only that key (`customFields` is merged key by key, null removes a value). Shows
 * nothing when the workspace defined none.
 */
export function CustomFieldsPanel({
  entity,
  values,
  disabled,
  onSave,
}: {
  entity: 'contact' | 'company' | 'deal';
  values: Record<string, unknown>;
  disabled: boolean;
  onSave: (customFields: Record<string, unknown>) => Promise<unknown>;
}) {
  const definitions = useCustomFields(entity);
  if (definitions.isError) return <ErrorAlert error={definitions.error} />;
  const fields = definitions.data?.data ?? [];
  if (fields.length === 0) return null;
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">
        {t('values.customFields')}
      </Title>
      <SimpleGrid cols={1} spacing="sm">
        {fields.map((field) => (
          <TypedValueField
            key={field.key}
            field={field}
            name={`customFields.${field.key}`}
            value={values[field.key]}
            disabled={disabled}
            onSave={(value) => onSave({ [field.key]: value })}
          />
        ))}
      </SimpleGrid>
    </Paper>
  );
}
