import { NumberInput, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { FormModal } from '../../components/FormModal';
import { applyApiError } from '../../lib/form-errors';
import { dealsApi } from './deals-api';
import { t } from './i18n';

/** A new deal of the pipeline: name, amount and currency; the rest is set on its page. */
export function NewDealModal({ opened, onClose, pipelineId }: { opened: boolean; onClose: () => void; pipelineId: string }) {
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const form = useForm({ initialValues: { name: '', amount: 0, currency: 'USD' } });
  const submit = form.onSubmit(async ({ name, amount, currency }) => {
    setError(null);
    try {
      // The input is in major units; the API counts minor units (cents).
      await dealsApi.create({ name, amount: Math.round(amount * 100), currency, pipelineId });
      await queryClient.invalidateQueries({ queryKey: ['deals'] });
      form.reset();
      onClose();
    } catch (failure) {
      setError(applyApiError(failure, ['name', 'amount', 'currency'], form.setFieldError));
    }
  });
  return (
    <FormModal opened={opened} onClose={onClose} title={t('deals.new')} onSubmit={submit} error={error} submitting={form.submitting}>
      <TextInput label={t('field.name')} required {...form.getInputProps('name')} mb="sm" data-autofocus />
      <NumberInput label={t('field.amount')} min={0} decimalScale={2} {...form.getInputProps('amount')} mb="sm" />
      <TextInput label={t('field.currency')} maxLength={3} {...form.getInputProps('currency')} mb="md" />
    </FormModal>
  );
}
