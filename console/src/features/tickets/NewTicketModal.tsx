import { Select, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { applyApiError } from '../../lib/form-errors';
import { t } from './i18n';
import { TICKET_PRIORITIES, ticketsApi, type Ticket } from './tickets-api';
import { FormModal } from '../../components/FormModal';

const FIELDS = ['subject', 'priority', 'description'] as const;

export function NewTicketModal({ opened, onClose, onCreated }: { opened: boolean; onClose: () => void; onCreated: (ticket: Ticket) => void }) {
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const form = useForm({ initialValues: { subject: '', priority: 'normal' as Ticket['priority'], description: '' } });
  const submit = form.onSubmit(async ({ subject, priority, description }) => {
    setError(null);
    try {
      // Sent as typed: an empty subject is the API's to refuse, and its issue shows at the field.
      const ticket = await ticketsApi.create({ subject, priority, channel: 'web', ...(description.trim() ? { description } : {}) });
      await queryClient.invalidateQueries({ queryKey: ['tickets'] });
      form.reset();
      onClose();
      onCreated(ticket);
    } catch (failure) {
      setError(applyApiError(failure, FIELDS, form.setFieldError));
    }
  });
  return (
    <FormModal opened={opened} onClose={onClose} title={t('tickets.new')} onSubmit={submit} error={error} submitting={form.submitting}>
      <TextInput label={t('tickets.subject')} {...form.getInputProps('subject')} mb="sm" data-autofocus />
      <Select label={t('field.priority')} data={[...TICKET_PRIORITIES]} allowDeselect={false} {...form.getInputProps('priority')} mb="sm" />
      <Textarea label={t('tickets.description')} {...form.getInputProps('description')} autosize minRows={3} mb="md" />
    </FormModal>
  );
}
