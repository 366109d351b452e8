import { Select, TextInput } from '@mantine/core';
import { CompanyPicker, ContactPicker, DealPicker } from '../../components/RecordPickers';
import { t } from './i18n';
import { RELATED_TYPES, type TaskFilterState } from './task-filters';

type Related = Pick<TaskFilterState, 'relatedType' | 'relatedId'>;

/**
 * The tasks' related-record condition: the kind of record, then the one record of it, picked by
 * name (a custom object's record by its id). A new kind clears the record picked.
 */
export function RelatedRecordFilter({ value, onChange }: { value: Related; onChange: (value: Related) => void }) {
  const pick = (relatedId: string) => onChange({ ...value, relatedId });
  const label = t('tasks.relatedRecord');
  return (
    <>
      <Select
        label={t('tasks.relatedType')}
        data={RELATED_TYPES.map((type) => ({ value: type, label: t(`tasks.related.${type}`) }))}
        value={value.relatedType || null}
        onChange={(relatedType) => onChange({ relatedType: (relatedType ?? '') as Related['relatedType'], relatedId: '' })}
        clearable
        w={170}
      />
      {value.relatedType === 'contact' && <ContactPicker label={label} value={value.relatedId} onChange={pick} w={220} />}
      {value.relatedType === 'company' && (
        <CompanyPicker label={label} value={value.relatedId ? [value.relatedId] : []} onChange={(ids) => pick(ids[0] ?? '')} maxValues={1} w={220} />
      )}
      {value.relatedType === 'deal' && <DealPicker label={label} value={value.relatedId} onChange={pick} w={220} />}
      {value.relatedType === 'record' && (
        <TextInput label={t('tasks.relatedRecordId')} value={value.relatedId} onChange={(event) => pick(event.currentTarget.value.trim())} w={300} />
      )}
    </>
  );
}
