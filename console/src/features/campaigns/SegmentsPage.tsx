import { Alert, Anchor, Badge, Button, Group, MultiSelect, Paper, SegmentedControl, Stack, Table, TagsInput, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { applyApiError } from '../../lib/form-errors';
import { useCan } from '../../lib/me';
import { LIFECYCLE_STAGES } from '../contacts/contacts-api';
import { campaignsApi, segmentFilter, type Segment } from './campaigns-api';
import { t } from './i18n';

const STAGE_OPTIONS = LIFECYCLE_STAGES.map((stage) => ({ value: stage, label: stage.replace(/_/g, ' ') }));
const FIELDS = ['name', 'filter.lifecycleStage', 'filter.tags', 'filter.leadSource'] as const;

export function Component() {
  const canWrite = useCan('segments:write');
  const segments = useQuery({ queryKey: ['segments'], queryFn: campaignsApi.segments });
  const [editing, setEditing] = useState<Segment | 'new' | null>(null);
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>{t('campaigns.segments')}</Title>
        <Group>
          <Anchor component={Link} to="/campaigns">
            {t('nav.campaigns')}
          </Anchor>
          {canWrite && <Button onClick={() => setEditing('new')}>{t('segments.new')}</Button>}
        </Group>
      </Group>
      {editing && <SegmentEditor key={editing === 'new' ? 'new' : editing.id} segment={editing === 'new' ? null : editing} onDone={() => setEditing(null)} />}
      {segments.isPending && <Loading />}
      {segments.isError && <ErrorAlert error={segments.error} />}
      {segments.data && segments.data.data.length === 0 && <Text c="dimmed">{t('list.empty')}</Text>}
      {segments.data && segments.data.data.length > 0 && (
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('field.name')}</Table.Th>
              <Table.Th>{t('segments.kind')}</Table.Th>
              <Table.Th>{t('segments.members')}</Table.Th>
              <Table.Th>{t('common.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {segments.data.data.map((segment) => (
              <Table.Tr key={segment.id}>
                <Table.Td>{segment.name}</Table.Td>
                <Table.Td>
                  <Badge variant="light">{t(segment.kind === 'dynamic' ? 'segments.dynamic' : 'segments.static')}</Badge>
                </Table.Td>
                <Table.Td>
                  <SegmentCount id={segment.id} />
                </Table.Td>
                <Table.Td>
                  {canWrite && (
                    <Button size="xs" variant="default" onClick={() => setEditing(segment)} aria-label={t('segments.editNamed', { name: segment.name })}>
                      {t('segments.edit')}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

function SegmentCount({ id }: { id: string }) {
  const count = useQuery({ queryKey: ['segments', id, 'count'], queryFn: () => campaignsApi.segmentCount(id) });
  return <>{count.data?.count ?? '…'}</>;
}

function SegmentEditor({ segment, onDone }: { segment: Segment | null; onDone: () => void }) {
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const filter = (segment?.filter ?? {}) as { lifecycleStage?: string[]; tags?: string[]; leadSource?: string[]; emailOptOut?: boolean };
  const form = useForm({
    initialValues: {
      name: segment?.name ?? '',
      kind: segment?.kind ?? ('dynamic' as Segment['kind']),
      lifecycleStage: filter.lifecycleStage ?? [],
      tags: filter.tags ?? [],
      leadSource: filter.leadSource ?? [],
      excludeOptedOut: filter.emailOptOut === false,
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
        applyApiError(failure, [...FIELDS, 'filter'], (field, issue) =>
          form.setFieldError(field === 'filter' ? 'lifecycleStage' : field.replace(/^filter\./, ''), issue),
        ),
      );
    }
  });
  const dynamic = form.values.kind === 'dynamic';
  return (
    <Paper withBorder p="md" component="section" aria-label={segment ? t('segments.editNamed', { name: segment.name }) : t('segments.new')}>
      <form onSubmit={submit} noValidate>
        <Stack maw={560}>
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
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
          {dynamic ? (
            <>
              <MultiSelect label={t('field.lifecycleStage')} data={STAGE_OPTIONS} clearable {...form.getInputProps('lifecycleStage')} />
              <TagsInput label={t('field.tags')} description={t('segments.tagsHint')} {...form.getInputProps('tags')} />
              <TagsInput label={t('segments.leadSource')} {...form.getInputProps('leadSource')} />
              <SegmentedControl
                aria-label={t('segments.optOut')}
                data={[
                  { value: 'include', label: t('segments.includeOptedOut') },
                  { value: 'exclude', label: t('segments.excludeOptedOut') },
                ]}
                value={form.values.excludeOptedOut ? 'exclude' : 'include'}
                onChange={(value) => form.setFieldValue('excludeOptedOut', value === 'exclude')}
              />
            </>
          ) : (
            <Text size="sm" c="dimmed">
              {t('segments.staticHint')}
            </Text>
          )}
          <Group justify="flex-end">
            {segment && (
              <Button variant="light" color="red" onClick={() => remove.mutate()} loading={remove.isPending}>
                {t('segments.delete')}
              </Button>
            )}
            <Button variant="default" onClick={onDone}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={form.submitting}>
              {t('common.save')}
            </Button>
          </Group>
          {remove.isError && <ErrorAlert error={remove.error} />}
        </Stack>
      </form>
    </Paper>
  );
}
