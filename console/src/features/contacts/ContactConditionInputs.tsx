import { MultiSelect, TagsInput } from '@mantine/core';
import { DayFilterInputs } from '../../components/DayFilterInputs';
import type { ReactNode } from 'react';
import { CompanyPicker } from '../../components/RecordPickers';
import { t } from '../../lib/i18n';
import { useWorkspaceUsers } from '../../lib/users';
import type { ConditionErrors, ContactConditions } from './contact-filters';
import { CustomFieldConditionInputs } from './CustomFieldConditionInputs';

type DayField = 'createdFrom' | 'createdTo' | 'updatedFrom' | 'updatedTo' | 'customerSinceFrom' | 'customerSinceTo';
const DAY_LABELS: Record<DayField, Parameters<typeof t>[0]> = {
  createdFrom: 'filter.createdFrom',
  createdTo: 'filter.createdTo',
  updatedFrom: 'filter.updatedFrom',
  updatedTo: 'filter.updatedTo',
  customerSinceFrom: 'filter.customerSinceFrom',
  customerSinceTo: 'filter.customerSinceTo',
};

/** The owner, company, city, country, date and custom field conditions of a contact filter (the contacts list, a segment, a campaign's audience). */
export function ContactConditionInputs({
  value,
  onChange,
  errors = {},
  disabled,
}: {
  value: ContactConditions;
  onChange: (value: ContactConditions) => void;
  /** The API's issues by input (a segment's `filter.country`…), a custom field's by its key (`filter.customFields.tier`). */
  errors?: ConditionErrors<ReactNode>;
  disabled?: boolean;
}) {
  const users = useWorkspaceUsers();
  const set = (changes: Partial<ContactConditions>) => onChange({ ...value, ...changes });
  return (
    <>
      <MultiSelect
        label={t('filter.owner')}
        data={(users.data?.data ?? []).map((user) => ({ value: user.id, label: user.name }))}
        value={value.ownerId}
        onChange={(ownerId) => set({ ownerId })}
        error={errors.ownerId}
        searchable
        clearable
        disabled={disabled}
        w={200}
      />
      <CompanyPicker
        label={t('filter.company')}
        value={value.companyId}
        onChange={(companyId) => set({ companyId })}
        error={errors.companyId}
        disabled={disabled}
        w={220}
      />
      <TagsInput label={t('filter.city')} value={value.city} onChange={(city) => set({ city })} error={errors.city} disabled={disabled} w={180} />
      <TagsInput
        label={t('filter.country')}
        value={value.country}
        onChange={(country) => set({ country })}
        error={errors.country}
        disabled={disabled}
        w={160}
      />
      <DayFilterInputs
        fields={(Object.keys(DAY_LABELS) as DayField[]).map((field) => [field, t(DAY_LABELS[field])] as const)}
        values={value}
        onChange={set}
        errors={errors}
        disabled={disabled}
        w={170}
      />
      <CustomFieldConditionInputs
        value={value.customFields}
        onChange={(customFields) => set({ customFields })}
        errors={errors.customFields}
        disabled={disabled}
      />
    </>
  );
}
