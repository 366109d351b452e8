import { Button, Group, Modal, SimpleGrid, Title } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useMemo, useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { RecordList, type RecordColumn } from '../../components/RecordList';
import { TypedInput } from '../../components/TypedValueField';
import { ApiError } from '../../lib/api-error';
import { formatDateTime } from '../../lib/i18n';
import { t } from './i18n';
import { useCan } from '../../lib/me';
import { formatValue, fromDraft, isSortable, toDraft, type Draft } from '../../lib/typed-values';
import { objectsApi, type ObjectRecord, type ObjectType } from './objects-api';
import { filterInputs, recordFilter, type FilterInputs } from './record-filters';
import { RecordFilters } from './RecordFilters';

// The bulk actions load on the first selection, not with the rows.
const RecordsBulkActions = lazy(() => import('./RecordsBulkActions').then((module) => ({ default: module.RecordsBulkActions })));

/** The list of one custom object's records: its declared fields as columns, sorted and searched on the server. */
export function Component() {
  const { key = '' } = useParams();
  const type = useQuery({ queryKey: ['objects', 'types', key], queryFn: () => objectsApi.type(key) });
  if (type.isPending) return <Loading />;
  if (type.isError) return <ErrorAlert error={type.error} />;
  return <ObjectRecords type={type.data} />;
}

function ObjectRecords({ type }: { type: ObjectType }) {
  const canWrite = useCan('records:write');
  const canExport = useCan('exports:write');
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  const [inputs, setInputs] = useState<FilterInputs>({});
  const filter = recordFilter(type.fields, inputs);
  useHotkeys([['n', () => canWrite && setCreating(true)]]);
  const columns = useMemo<Array<RecordColumn<ObjectRecord>>>(
    () => [
      ...type.fields.map((field) => ({
        id: field.key,
        header: field.label,
        cell: (record: ObjectRecord) => formatValue(field.type, record.values[field.key]),
        sortField: isSortable(field.type) ? field.key : undefined,
      })),
      { id: 'createdAt', header: t('field.createdAt'), cell: (record) => formatDateTime(record.createdAt), sortField: 'createdAt' },
    ],
    [type],
  );
  return (
    <>
      <Group justify="space-between" mb="md">
        <Title order={1}>{type.pluralLabel}</Title>
        {canWrite && <Button onClick={() => setCreating(true)}>{t('objects.new', { label: type.singularLabel })}</Button>}
      </Group>
      <RecordList<ObjectRecord>
        name={`object:${type.key}`}
        searchLabel={t('objects.search', { label: type.pluralLabel })}
        columns={columns}
        initialSort="-createdAt"
        filters={{ filter }}
        views={{ applyFilters: (view) => setInputs(view ? filterInputs(type.fields, view.filter) : {}) }}
        fetchPage={(query) => objectsApi.records(type.key, { ...query, filter })}
        toolbar={<RecordFilters type={type} inputs={inputs} onChange={setInputs} />}
        onOpen={(record) => navigate(`/objects/${type.key}/${record.id}`)}
        bulkActions={
          canWrite
            ? (selected, clear) => (
                <Suspense fallback={null}>
                  <RecordsBulkActions object={type.key} selected={selected} clear={clear} canExport={canExport} />
                </Suspense>
              )
            : undefined
        }
      />
      {creating && <NewRecordModal type={type} onClose={() => setCreating(false)} />}
    </>
  );
}

function NewRecordModal({ type, onClose }: { type: ObjectType; onClose: () => void }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [drafts, setDrafts] = useState<Record<string, Draft>>(() => Object.fromEntries(type.fields.map((field) => [field.key, toDraft(field.type, null)])));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const values: Record<string, unknown> = {};
    const problems: Record<string, string> = {};
    for (const field of type.fields) {
      const converted = fromDraft(field.type, drafts[field.key]!);
      if ('problem' in converted) problems[field.key] = t(converted.problem === 'amount' ? 'values.amountInvalid' : 'values.currencyInvalid');
      else if (converted.value !== null) values[field.key] = converted.value;
    }
    setErrors(problems);
    setFormError(null);
    if (Object.keys(problems).length > 0) return;
    setSaving(true);
    try {
      const created = await objectsApi.create(type.key, values);
      await queryClient.invalidateQueries({ queryKey: [`object:${type.key}`] });
      navigate(`/objects/${type.key}/${created.id}`);
    } catch (failure) {
      const placed = failure instanceof ApiError ? failure.details.filter((detail) => detail.field?.startsWith('values.') && detail.issue) : [];
      setErrors(Object.fromEntries(placed.map((detail) => [detail.field!.slice('values.'.length).split('.')[0]!, detail.issue!])));
      if (placed.length === 0) setFormError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal opened onClose={onClose} title={t('objects.new', { label: type.singularLabel })}>
      <form onSubmit={submit} noValidate>
        {formError && <ErrorAlert error={new Error(formError)} />}
        <SimpleGrid cols={1} spacing="sm" mb="md">
          {type.fields.map((field, index) => (
            <TypedInput
              key={field.key}
              field={field}
              draft={drafts[field.key]!}
              error={errors[field.key]}
              autoFocus={index === 0}
              onChange={(draft) => setDrafts((current) => ({ ...current, [field.key]: draft }))}
            />
          ))}
        </SimpleGrid>
        <Group justify="flex-end">
          <Button type="submit" loading={saving}>
            {t('common.create')}
          </Button>
        </Group>
      </form>
    </Modal>
  );
}
