import { Button, MultiSelect, Popover, Select, SimpleGrid, TextInput } from '@mantine/core';
import type { ObjectType } from './objects-api';
import { t } from './i18n';
import { CURRENCIES } from '../../lib/money';
import { boundValue, filterCurrency, filterKind, type FilterInputs } from './record-filters';

/**
 * The filters of a custom object's list, one per declared field by its type (text: contains,
 * select: one of, yes/no, number, currency and date: from and to; a currency field also its
 * currency, whose decimals its bounds are typed in), in a popover beside the search.
 */
export function RecordFilters({ type, inputs, onChange }: { type: ObjectType; inputs: FilterInputs; onChange: (inputs: FilterInputs) => void }) {
  const set = (key: string, value: string | string[] | null) => onChange({ ...inputs, [key]: value ?? '' });
  const text = (key: string) => (typeof inputs[key] === 'string' ? (inputs[key] as string) : '');
  const fields = type.fields.filter((field) => filterKind(field.type));
  const active = Object.values(inputs).filter((value) => value.length > 0).length;
  if (fields.length === 0) return null;
  return (
    <Popover position="bottom-start" trapFocus shadow="md" width={560}>
      <Popover.Target>
        <Button variant="default">{active ? t('objects.filtersActive', { count: active }) : t('objects.filters')}</Button>
      </Popover.Target>
      <Popover.Dropdown>
        <SimpleGrid cols={2} spacing="sm">
          {fields.flatMap((field) => {
            switch (filterKind(field.type)) {
              case 'contains':
                return [
                  <TextInput
                    key={field.key}
                    label={t('objects.contains', { label: field.label })}
                    value={text(`${field.key}Contains`)}
                    onChange={(event) => set(`${field.key}Contains`, event.currentTarget.value)}
                  />,
                ];
              case 'oneOf':
                return [
                  <MultiSelect
                    key={field.key}
                    label={field.label}
                    data={field.options}
                    value={Array.isArray(inputs[field.key]) ? (inputs[field.key] as string[]) : []}
                    onChange={(values) => set(field.key, values)}
                    clearable
                    comboboxProps={{ withinPortal: false }}
                  />,
                ];
              case 'boolean':
                return [
                  <Select
                    key={field.key}
                    label={field.label}
                    data={[
                      { value: 'true', label: t('common.yes') },
                      { value: 'false', label: t('common.no') },
                    ]}
                    value={text(field.key) || null}
                    onChange={(value) => set(field.key, value)}
                    clearable
                    comboboxProps={{ withinPortal: false }}
                  />,
                ];
              default: {
                const currency = field.type === 'currency' ? filterCurrency(inputs, field.key) : undefined;
                const invalid =
                  field.type !== 'currency'
                    ? t('objects.boundInvalid')
                    : currency
                      ? t('objects.amountInvalidIn', { currency })
                      : t('objects.amountBoundInvalid');
                const bounds = (['From', 'To'] as const).map((bound) => {
                  const key = `${field.key}${bound}`;
                  return (
                    <TextInput
                      key={key}
                      label={t(bound === 'From' ? 'objects.from' : 'objects.to', { label: field.label })}
                      type={field.type === 'date' ? 'date' : 'text'}
                      inputMode={field.type === 'date' ? undefined : 'decimal'}
                      value={text(key)}
                      onChange={(event) => set(key, event.currentTarget.value)}
                      error={boundValue(field.type, text(key), currency) === null ? invalid : undefined}
                    />
                  );
                });
                if (field.type !== 'currency') return bounds;
                return [
                  <Select
                    key={`${field.key}Currency`}
                    label={t('objects.currency', { label: field.label })}
                    placeholder={t('objects.anyCurrency')}
                    data={CURRENCIES}
                    value={currency ?? null}
                    onChange={(value) => set(`${field.key}Currency`, value)}
                    searchable
                    clearable
                    comboboxProps={{ withinPortal: false }}
                  />,
                  ...bounds,
                ];
              }
            }
          })}
        </SimpleGrid>
        {active > 0 && (
          <Button variant="subtle" mt="sm" onClick={() => onChange({})}>
            {t('objects.clearFilters')}
          </Button>
        )}
      </Popover.Dropdown>
    </Popover>
  );
}
