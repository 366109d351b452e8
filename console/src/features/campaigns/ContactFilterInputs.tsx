import { MultiSelect, SegmentedControl, TagsInput } from '@mantine/core';
import type { ReactNode } from 'react';
import { ContactConditionInputs } from '../contacts/ContactConditionInputs';
import { NO_CONTACT_CONDITIONS, type ConditionErrors } from '../contacts/contact-filters';
import { LIFECYCLE_STAGES } from '../contacts/contacts-api';
import type { Channel, FilterValues } from './campaigns-api';
import { t } from './i18n';

const STAGE_OPTIONS = LIFECYCLE_STAGES.map((stage) => ({ value: stage, label: stage.replace(/_/g, ' ') }));

/** What a form gives one input: @mantine/form's getInputProps of that field. */
type InputProps = <Field extends keyof FilterValues>(
  field: Field,
) => { value?: FilterValues[Field]; onChange: (value: FilterValues[Field]) => void; error?: ReactNode };

/**
 * The conditions of a contact filter (as GET /contacts takes them) that a dynamic segment and a
 * campaign sent to a filter are built from; `inputProps` gives each input its form value and error.
 * The opt-out is of the campaign's channel (email for a segment).
 */
export function ContactFilterInputs({
  inputProps,
  conditionErrors,
  disabled,
  channel = 'email',
}: {
  inputProps: InputProps;
  /** The API's issues about the owner, company, place, date and custom field conditions, by input. */
  conditionErrors?: ConditionErrors<ReactNode>;
  disabled?: boolean;
  channel?: Channel;
}) {
  const optOut = inputProps('excludeOptedOut');
  const conditions = inputProps('conditions');
  return (
    <>
      <MultiSelect label={t('field.lifecycleStage')} data={STAGE_OPTIONS} clearable {...inputProps('lifecycleStage')} disabled={disabled} />
      <TagsInput label={t('field.tags')} description={t('segments.tagsHint')} {...inputProps('tags')} disabled={disabled} />
      <TagsInput label={t('segments.leadSource')} {...inputProps('leadSource')} disabled={disabled} />
      <SegmentedControl
        aria-label={t(channel === 'sms' ? 'segments.smsOptOut' : 'segments.optOut')}
        data={[
          { value: 'include', label: t('segments.includeOptedOut') },
          { value: 'exclude', label: t('segments.excludeOptedOut') },
        ]}
        value={optOut.value ? 'exclude' : 'include'}
        onChange={(value) => optOut.onChange(value === 'exclude')}
        disabled={disabled}
      />
      <ContactConditionInputs value={conditions.value ?? NO_CONTACT_CONDITIONS} onChange={conditions.onChange} errors={conditionErrors} disabled={disabled} />
    </>
  );
}
