import { TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { applyApiError } from '../../lib/form-errors';
import { t } from '../../lib/i18n';
import { contactsApi, type Contact } from './contacts-api';
import { FormModal } from '../../components/FormModal';

const FIELDS = ['firstName', 'lastName', 'email', 'phone', 'jobTitle'] as const;

export function NewContactModal({ opened, onClose, onCreated }: { opened: boolean; onClose: () => void; onCreated: (contact: Contact) => void }) {
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const form = useForm({ initialValues: { firstName: '', lastName: '', email: '', phone: '', jobTitle: '' } });
  const submit = form.onSubmit(async (values) => {
    setError(null);
    try {
      // Empty inputs are left out rather than sent as empty strings the API would refuse.
      const body = Object.fromEntries(Object.entries(values).filter(([, value]) => value.trim() !== ''));
      const contact = await contactsApi.create(body);
      await queryClient.invalidateQueries({ queryKey: ['contacts'] });
      form.reset();
      onClose();
      onCreated(contact);
    } catch (failure) {
      setError(applyApiError(failure, FIELDS, form.setFieldError));
    }
  });
  return (
    <FormModal opened={opened} onClose={onClose} title={t('contacts.new')} onSubmit={submit} error={error} submitting={form.submitting}>
      <TextInput label={t('field.firstName')} {...form.getInputProps('firstName')} mb="sm" data-autofocus />
      <TextInput label={t('field.lastName')} {...form.getInputProps('lastName')} mb="sm" />
      <TextInput label={t('field.email')} type="email" {...form.getInputProps('email')} mb="sm" />
      <TextInput label={t('field.phone')} type="tel" {...form.getInputProps('phone')} mb="sm" />
      <TextInput label={t('field.jobTitle')} {...form.getInputProps('jobTitle')} mb="md" />
    </FormModal>
  );
}
