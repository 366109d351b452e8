import { Button, Group, Modal, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useHotkeys } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import type { components } from '../../api/schema';
import { ErrorAlert } from '../../components/ErrorAlert';
import { RecordList, type RecordColumn } from '../../components/RecordList';
import { api } from '../../lib/api';
import { unwrap } from '../../lib/api-error';
import { applyApiError } from '../../lib/form-errors';
import { formatDateTime } from '../../lib/i18n';
import { t } from './i18n';
import { useCan } from '../../lib/me';

type Company = components['schemas']['Company'];

export function Component() {
  const canWrite = useCan('companies:write');
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  useHotkeys([['n', () => canWrite && setCreating(true)]]);
  const columns = useMemo<Array<RecordColumn<Company>>>(
    () => [
      { id: 'name', header: t('field.name'), cell: (c) => c.name, sortField: 'name' },
      { id: 'domain', header: t('field.domain'), cell: (c) => c.domain },
      { id: 'industry', header: t('field.industry'), cell: (c) => c.industry },
      { id: 'size', header: t('field.size'), cell: (c) => c.size },
      { id: 'createdAt', header: t('field.createdAt'), cell: (c) => formatDateTime(c.createdAt), sortField: 'createdAt' },
    ],
    [],
  );
  return (
    <>
      <Group justify="space-between" mb="md">
        <Title order={1}>{t('nav.companies')}</Title>
        {canWrite && <Button onClick={() => setCreating(true)}>{t('companies.new')}</Button>}
      </Group>
      <RecordList<Company>
        name="companies"
        searchLabel={t('companies.search')}
        columns={columns}
        initialSort="name"
        views={{}}
        fetchPage={(query) => unwrap(api.GET('/api/v1/companies', { params: { query } }))}
        onOpen={(company) => navigate(`/companies/${company.id}`)}
      />
      <NewCompanyModal opened={creating} onClose={() => setCreating(false)} />
    </>
  );
}

function NewCompanyModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const form = useForm({ initialValues: { name: '', domain: '' } });
  const submit = form.onSubmit(async ({ name, domain }) => {
    setError(null);
    try {
      await unwrap(api.POST('/api/v1/companies', { body: { name, domain: domain.trim() || undefined } }));
      await queryClient.invalidateQueries({ queryKey: ['companies'] });
      form.reset();
      onClose();
    } catch (failure) {
      setError(applyApiError(failure, ['name', 'domain'], form.setFieldError));
    }
  });
  return (
    <Modal opened={opened} onClose={onClose} title={t('companies.new')}>
      <form onSubmit={submit} noValidate>
        {error && <ErrorAlert error={new Error(error)} />}
        <TextInput label={t('field.name')} required {...form.getInputProps('name')} mb="sm" data-autofocus />
        <TextInput label={t('field.domain')} {...form.getInputProps('domain')} mb="md" />
        <Group justify="flex-end">
          <Button type="submit" loading={form.submitting}>
            {t('common.create')}
          </Button>
        </Group>
      </form>
    </Modal>
  );
}
