import { Button, Group, MultiSelect, TagsInput, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useHotkeys } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import type { components } from '../../api/schema';
import { FormModal } from '../../components/FormModal';
import { LazyExportButton, LazyRecordBulkActions } from '../../components/LazyBulkActions';
import { RecordList, type RecordColumn } from '../../components/RecordList';
import { DayFilterInputs, dayFilterIssues } from '../../components/DayFilterInputs';
import { api } from '../../lib/api';
import { unwrap } from '../../lib/api-error';
import { applyApiError } from '../../lib/form-errors';
import { formatDateTime } from '../../lib/i18n';
import { t } from './i18n';
import { useCan } from '../../lib/me';
import { useWorkspaceUsers } from '../../lib/users';
import { companiesApi, companyFilterState, companyQuery, COMPANY_SIZES, NO_COMPANY_FILTERS, type CompanyFilterState } from './companies-api';

type Company = components['schemas']['Company'];

const DAY_FIELDS = [
  ['createdFrom', 'filter.createdFrom'],
  ['createdTo', 'filter.createdTo'],
  ['updatedFrom', 'filter.updatedFrom'],
  ['updatedTo', 'filter.updatedTo'],
] as const;
/** The query parameter each day input fills. */
const DAY_PARAMETERS = { createdFrom: 'createdAtFrom', createdTo: 'createdAtTo', updatedFrom: 'updatedAtFrom', updatedTo: 'updatedAtTo' };

export function Component() {
  const canWrite = useCan('companies:write');
  const canExport = useCan('exports:write');
  const navigate = useNavigate();
  const users = useWorkspaceUsers();
  const [creating, setCreating] = useState(false);
  const [state, setState] = useState<CompanyFilterState>(NO_COMPANY_FILTERS);
  const set = (changes: Partial<CompanyFilterState>) => setState((current) => ({ ...current, ...changes }));
  useHotkeys([['n', () => canWrite && setCreating(true)]]);
  const columns = useMemo<Array<RecordColumn<Company>>>(
    () => [
      { id: 'name', header: t('field.name'), cell: (c) => c.name, sortField: 'name' },
      { id: 'domain', header: t('field.domain'), cell: (c) => c.domain },
      { id: 'industry', header: t('field.industry'), cell: (c) => c.industry },
      { id: 'size', header: t('field.size'), cell: (c) => c.size },
      { id: 'tags', header: t('field.tags'), cell: (c) => c.tags.join(', ') },
      { id: 'createdAt', header: t('field.createdAt'), cell: (c) => formatDateTime(c.createdAt), sortField: 'createdAt' },
    ],
    [],
  );
  const filters = companyQuery(state);
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
        filters={filters}
        views={{ applyFilters: (view) => setState(view ? companyFilterState(view) : NO_COMPANY_FILTERS) }}
        fetchPage={(request) => unwrap(api.GET('/api/v1/companies', { params: { query: { ...filters, ...request } } }))}
        onOpen={(company) => navigate(`/companies/${company.id}`)}
        toolbar={(issueAt) => (
          <>
            <MultiSelect
              label={t('companies.owner')}
              data={(users.data?.data ?? []).map((user) => ({ value: user.id, label: user.name }))}
              value={state.ownerId}
              onChange={(ownerId) => set({ ownerId })}
              error={issueAt('ownerId')}
              searchable
              clearable
              w={200}
            />
            <TagsInput label={t('field.industry')} value={state.industry} onChange={(industry) => set({ industry })} error={issueAt('industry')} w={200} />
            <MultiSelect
              label={t('field.size')}
              data={COMPANY_SIZES}
              value={state.size}
              onChange={(size) => set({ size: size as CompanyFilterState['size'] })}
              error={issueAt('size')}
              clearable
              w={180}
            />
            <TagsInput label={t('field.tags')} value={state.tags} onChange={(tags) => set({ tags })} error={issueAt('tags')} w={200} />
            <TextInput
              label={t('field.domain')}
              value={state.domain}
              onChange={(event) => set({ domain: event.currentTarget.value })}
              error={issueAt('domain')}
              w={180}
            />
            <DayFilterInputs
              fields={DAY_FIELDS.map(([field, label]) => [field, t(label)] as const)}
              values={state}
              onChange={set}
              errors={dayFilterIssues(DAY_PARAMETERS, issueAt)}
            />
            {canExport && <LazyExportButton entity="companies" filter={filters} />}
          </>
        )}
        bulkActions={
          canWrite
            ? (selected, clear) => (
                <LazyRecordBulkActions
                  selected={selected}
                  clear={clear}
                  list="companies"
                  owner={{
                    title: t('companies.bulkOwnerTitle', { count: selected.length }),
                    set: (ids, ownerId) => companiesApi.bulk({ action: 'owner', ids, ownerId }),
                  }}
                  tags={{
                    title: t('companies.bulkTagTitle', { count: selected.length }),
                    add: (ids, added) => companiesApi.bulk({ action: 'tag', ids, tags: added }),
                  }}
                  remove={(ids) => companiesApi.bulk({ action: 'delete', ids })}
                  exportEntity={canExport ? 'companies' : undefined}
                />
              )
            : undefined
        }
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
    <FormModal opened={opened} onClose={onClose} title={t('companies.new')} onSubmit={submit} error={error} submitting={form.submitting}>
      <TextInput label={t('field.name')} required {...form.getInputProps('name')} mb="sm" data-autofocus />
      <TextInput label={t('field.domain')} {...form.getInputProps('domain')} mb="md" />
    </FormModal>
  );
}
