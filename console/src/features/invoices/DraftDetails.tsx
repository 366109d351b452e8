import { Button, Group, Paper, SegmentedControl, Select, SimpleGrid, Stack, TextInput, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { api } from '../../lib/api';
import { unwrap } from '../../lib/api-error';
import { applyApiError } from '../../lib/form-errors';
import { contactName } from '../contacts/contacts-api';
import { detailsChanges, PAYMENT_TERMS, type DetailsForm } from './draft-details';
import { t } from './i18n';
import type { Invoice } from './invoice-lines';

const FIELDS = ['customer.contactId', 'customer.companyId', 'billingEmail', 'issueDate', 'dueDate', 'paymentTerms'] as const;

/** A draft's customer (a contact or a company searched as one types), billing email, issue and due dates and payment terms, saved together. */
export function DraftDetails({ invoice }: { invoice: Invoice }) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState<DetailsForm>(() => detailsOf(invoice));
  const [search, setSearch] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const changes = detailsChanges(detailsOf(invoice), form);

  const found = useQuery({
    // Its own key: other pickers cache the API's page under ['contacts', 'pick', q], this one options.
    queryKey: ['invoice-customers', form.kind, search],
    queryFn: async () =>
      form.kind === 'contact'
        ? (await unwrap(api.GET('/api/v1/contacts', { params: { query: { q: search || undefined, limit: 20 } } }))).data.map((c) => ({
            value: c.id,
            label: contactName(c),
          }))
        : (await unwrap(api.GET('/api/v1/companies', { params: { query: { q: search || undefined, limit: 20 } } }))).data.map((c) => ({
            value: c.id,
            label: c.name,
          })),
  });
  const options = found.data ?? [];
  const chosen = form.customerId && !options.some((option) => option.value === form.customerId) ? [{ value: form.customerId, label: form.customerName }] : [];

  const set = (patch: Partial<DetailsForm>) => {
    setForm((current) => ({ ...current, ...patch }));
    setErrors({});
    setFormError(null);
  };
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    try {
      const updated = await unwrap(api.PATCH('/api/v1/invoices/{id}', { params: { path: { id: invoice.id } }, body: changes }));
      queryClient.setQueryData(['invoices', invoice.id], updated);
      setForm(detailsOf(updated));
      void queryClient.invalidateQueries({ queryKey: ['invoices'], predicate: (query) => query.queryKey[1] !== invoice.id });
    } catch (error) {
      const found: Record<string, string> = {};
      setFormError(applyApiError(error, FIELDS, (field, issue) => (found[field] = issue)));
      setErrors(found);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Paper withBorder p="md" component="form" onSubmit={save} noValidate>
      <Title order={2} size="h4" mb="sm">
        {t('invoices.details')}
      </Title>
      <Stack gap="sm">
        {formError && <ErrorAlert error={new Error(formError)} />}
        <Group align="flex-end" gap="xs" wrap="nowrap">
          <SegmentedControl
            aria-label={t('invoices.customerKind')}
            value={form.kind}
            onChange={(kind) => set({ kind: kind as DetailsForm['kind'], customerId: null, customerName: '' })}
            data={[
              { value: 'contact', label: t('invoices.contact') },
              { value: 'company', label: t('field.company') },
            ]}
          />
          <Select
            label={t('invoices.customer')}
            searchable
            data={[...chosen, ...options]}
            filter={({ options: all }) => all}
            value={form.customerId}
            onSearchChange={setSearch}
            onChange={(customerId, option) => set({ customerId, customerName: option?.label ?? '' })}
            error={errors['customer.contactId'] ?? errors['customer.companyId']}
            nothingFoundMessage={t('invoices.noCustomer')}
            style={{ flex: 1 }}
          />
        </Group>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label={t('invoices.billingEmail')}
            type="email"
            placeholder={t('invoices.billingEmailDefault')}
            value={form.billingEmail}
            onChange={(event) => set({ billingEmail: event.currentTarget.value })}
            error={errors.billingEmail}
          />
          <Select
            label={t('invoices.paymentTerms')}
            data={PAYMENT_TERMS.map((value) => ({ value, label: t(`invoices.terms.${value}`) }))}
            value={form.paymentTerms}
            allowDeselect={false}
            onChange={(paymentTerms) => paymentTerms && set({ paymentTerms: paymentTerms as DetailsForm['paymentTerms'] })}
            error={errors.paymentTerms}
          />
          <TextInput
            label={t('invoices.issueDate')}
            type="date"
            description={t('invoices.issueDateDefault')}
            value={form.issueDate}
            onChange={(event) => set({ issueDate: event.currentTarget.value })}
            error={errors.issueDate}
          />
          <TextInput
            label={t('invoices.dueDateLabel')}
            type="date"
            description={t('invoices.dueDateDefault')}
            value={form.dueDate}
            onChange={(event) => set({ dueDate: event.currentTarget.value })}
            error={errors.dueDate}
          />
        </SimpleGrid>
        <Group justify="flex-end">
          <Button type="submit" loading={saving} disabled={Object.keys(changes).length === 0 || !form.customerId}>
            {t('invoices.saveDetails')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

function detailsOf(invoice: Invoice): DetailsForm {
  return {
    kind: invoice.customer.companyId ? 'company' : 'contact',
    customerId: invoice.customer.companyId ?? invoice.customer.contactId,
    customerName: invoice.customer.name,
    billingEmail: invoice.billingEmail ?? '',
    issueDate: invoice.issueDate ?? '',
    dueDate: invoice.dueDate ?? '',
    paymentTerms: invoice.paymentTerms,
  };
}
