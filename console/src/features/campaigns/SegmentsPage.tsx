import { Anchor, Badge, Button, SegmentedControl, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { EditorPanel } from '../../components/EditorPanel';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ListScreen } from '../../components/ListScreen';
import { applyApiError } from '../../lib/form-errors';
import { useCan } from '../../lib/me';
import { campaignsApi, filterValues, segmentFilter, type Segment } from './campaigns-api';
import { ContactFilterInputs } from './ContactFilterInputs';
import { conditionErrorPath, conditionErrors, conditionKeys } from '../contacts/contact-filters';
import { t } from './i18n';

const FIELDS = ['name', 'filter.lifecycleStage', 'filter.tags', 'filter.leadSource'] as const;

export function Component() {
  const canWrite = useCan('segments:write');
  const segments = useQuery({ queryKey: ['segments'], queryFn: campaignsApi.segments });
  const [editing, setEditing] = useState<Segment | 'new' | null>(null);
  return (
    <ListScreen
      title={t('campaigns.segments')}
      actions={
        <>
          <Anchor component={Link} to="/campaigns">
            {t('nav.campaigns')}
          </Anchor>
          {canWrite && <Button onClick={() => setEditing('new')}>{t('segments.new')}</Button>}
        </>
      }
      panel={
        editing && <SegmentEditor key={editing === 'new' ? 'new' : editing.id} segment={editing === 'new' ? null : editing} onDone={() => setEditing(null)} />
      }
      query={segments}
      columns={[
        { header: t('field.name'), cell: (segment) => segment.name },
        {
          header: t('segments.kind'),
          cell: (segment) => <Badge variant="light">{t(segment.kind === 'dynamic' ? 'segments.dynamic' : 'segments.static')}</Badge>,
        },
        { header: t('segments.members'), cell: (segment) => <SegmentCount id={segment.id} /> },
        {
          header: t('common.actions'),
          cell: (segment) =>
            canWrite && (
              <Button size="xs" variant="default" onClick={() => setEditing(segment)} aria-label={t('segments.editNamed', { name: segment.name })}>
                {t('segments.edit')}
              </Button>
            ),
        },
      ]}
    />
  );
}

function SegmentCount({ id }: { id: string }) {
  const count = useQuery({ queryKey: ['segments', id, 'count'], queryFn: () => campaignsApi.segmentCount(id) });
  return <>{count.data?.count ?? '…'}</>;
}

function SegmentEditor({ segment, onDone }: { segment: Segment | null; onDone: () => void }) {
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const form = useForm({
    initialValues: {
      name: segment?.name ?? '',
      kind: segment?.kind ?? ('dynamic' as Segment['kind']),
      ...filterValues(segment?.filter),
    },
  });
  const remove = useMutation({
    mutationFn: () => campaignsApi.deleteSegment(segment!.id),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['segments'] });
      onDone();
    },
  });
  const submit = form.onSubmit(async (values) => {
    setError(null);
    try {
      const dynamic = values.kind === 'dynamic' ? { filter: segmentFilter(values) } : {};
      if (segment) await campaignsApi.updateSegment(segment.id, { name: values.name, ...dynamic });
      else await campaignsApi.createSegment({ name: values.name, kind: values.kind, ...dynamic });
      await queryClient.invalidateQueries({ queryKey: ['segments'] });
      onDone();
    } catch (failure) {
      setError(
        applyApiError(failure, [...FIELDS, 'filter', ...conditionKeys(values.conditions.customFields).map((key) => `filter.${key}`)], (field, issue) => {
          const key = field.replace(/^filter\./, '');
          form.setFieldError(field === 'filter' ? 'lifecycleStage' : (conditionErrorPath(key) ?? key), issue);
        }),
      );
    }
  });
  return (
    <EditorPanel
      label={segment ? t('segments.editNamed', { name: segment.name }) : t('segments.new')}
      error={error}
      onSubmit={submit}
      onCancel={onDone}
      submitting={form.submitting}
      extraActions={
        segment && (
          <Button variant="light" color="red" onClick={() => remove.mutate()} loading={remove.isPending}>
            {t('segments.delete')}
          </Button>
        )
      }
    >
      <TextInput label={t('field.name')} required {...form.getInputProps('name')} />
      {!segment && (
        <>
          <Text size="sm" fw={500} id="segment-kind">
            {t('segments.kind')}
          </Text>
          <SegmentedControl
            aria-labelledby="segment-kind"
            data={[
              { value: 'dynamic', label: t('segments.dynamic') },
              { value: 'static', label: t('segments.static') },
            ]}
            {...form.getInputProps('kind')}
          />
        </>
      )}
      {form.values.kind === 'dynamic' ? (
        <ContactFilterInputs inputProps={form.getInputProps} conditionErrors={conditionErrors(form.errors, '')} />
      ) : (
        <Text size="sm" c="dimmed">
          {t('segments.staticHint')}
        </Text>
      )}
      {remove.isError && <ErrorAlert error={remove.error} />}
    </EditorPanel>
  );
}
