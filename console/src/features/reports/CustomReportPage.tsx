import { ActionIcon, Alert, Button, Group, MultiSelect, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { api } from '../../lib/api';
import { ApiError, messageOf, unwrap } from '../../lib/api-error';
import { formatDateTime } from '../../lib/i18n';
import { t } from './i18n';
import { useCan, useMe } from '../../lib/me';
import { useWorkspaceUsers } from '../../lib/users';
import { useObjectTypes } from '../objects/objects-api';
import {
  EMPTY_BUILDER,
  fieldsOf,
  filterOps,
  fromQuery,
  fromSource,
  INTERVALS,
  isDateField,
  MEASURE_FNS,
  measures,
  sourceOf,
  toQuery,
  type BuilderState,
  type FilterOp,
  type Interval,
  type MeasureFn,
  withMemberNames,
} from './custom-report';
import { Freshness, ReportTableView } from './ReportTableView';

type Frequency = 'none' | 'weekly' | 'monthly';
/** The issues the builder shows at an input; any other goes above the result. */
const PLACED_FIELD = /^(query\.)?((measures|dimensions|filters)\.\d+\.(fn|field|interval|op|value)|name|schedule|schedule\.recipientUserIds(\.\d+)?)$/;

export function Component() {
  const canWrite = useCan('reports:write');
  const me = useMe();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const savedId = params.get('saved');
  const [state, setState] = useState<BuilderState>(EMPTY_BUILDER);
  const [name, setName] = useState('');
  const [frequency, setFrequency] = useState<Frequency>('none');
  // The custom objects the caller may read (crm leaves out the others) are reported on next to the built-in entities.
  const objects = useObjectTypes().data?.data ?? [];
  const fields = fieldsOf(state, objects);
  const [recipients, setRecipients] = useState<string[]>([]);
  const users = useWorkspaceUsers();
  const names = useMemo(() => new Map((users.data?.data ?? []).map((user) => [user.id, user.name])), [users.data]);
  // Recipients offered: the active members, and any already chosen (a member since deactivated is shown to be removed).
  const members = (users.data?.data ?? [])
    .filter((user) => user.status === 'active' || recipients.includes(user.id))
    .map((user) => ({ value: user.id, label: user.name }));

  const saved = useQuery({ queryKey: ['reports', 'saved'], queryFn: () => unwrap(api.GET('/api/v1/reports/saved')) });
  const opened = saved.data?.data.find((report) => report.id === savedId);
  useEffect(() => {
    if (!opened) return;
    setState(fromQuery(opened.query));
    setName(opened.name);
    setFrequency(opened.schedule?.frequency ?? 'none');
    setRecipients(opened.schedule?.recipientUserIds ?? []);
  }, [opened]);

  const run = useMutation({ mutationFn: () => unwrap(api.POST('/api/v1/reports/query', { body: toQuery(state, fields) })) });
  const save = useMutation({
    mutationFn: () => {
      const schedule = frequency === 'none' ? null : { frequency, recipientUserIds: recipients };
      const body = { name, query: toQuery(state, fields), schedule };
      return savedId
        ? unwrap(api.PATCH('/api/v1/reports/saved/{id}', { params: { path: { id: savedId } }, body }))
        : unwrap(api.POST('/api/v1/reports/saved', { body }));
    },
    onSuccess: async (report) => {
      setParams({ saved: report.id });
      notifications.show({ message: t('custom.saved', { name: report.name }) });
      await queryClient.invalidateQueries({ queryKey: ['reports', 'saved'] });
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/reports/saved/{id}', { params: { path: { id } } })),
    onSuccess: async (_, id) => {
      if (id === savedId) {
        setParams({});
        setState(EMPTY_BUILDER);
        setName('');
        setFrequency('none');
        setRecipients([]);
      }
      await queryClient.invalidateQueries({ queryKey: ['reports', 'saved'] });
    },
    onError: (error) => notifications.show({ color: 'red', message: messageOf(error) }),
  });

  // The API names the row it refuses (measures.0.field); the error goes under that input.
  const failure = run.error ?? save.error;
  const issue = (path: string) => (failure instanceof ApiError ? (failure.fieldIssue(path) ?? failure.fieldIssue(`query.${path}`)) : undefined);
  const recipientsIssue =
    failure instanceof ApiError
      ? failure.details
          .filter((detail) => /^schedule\.recipientUserIds(\.\d+)?$/.test(detail.field ?? ''))
          .map((detail) => {
            const index = /\.(\d+)$/.exec(detail.field!)?.[1];
            const who = index === undefined ? undefined : recipients[Number(index)];
            return who ? `${names.get(who) ?? who}: ${detail.issue}` : detail.issue;
          })
          .join('; ') || undefined
      : undefined;
  const placed = failure instanceof ApiError && failure.details.some((detail) => PLACED_FIELD.test(detail.field ?? ''));

  const options = (chosen: typeof fields) => chosen.map((field) => ({ value: field.name, label: field.label }));
  const kindOf = (name: string) => fields.find((field) => field.name === name)?.kind;
  const update = (patch: Partial<BuilderState>) => setState((current) => ({ ...current, ...patch }));
  const setRow = <K extends 'measures' | 'dimensions' | 'filters'>(key: K, index: number, patch: Partial<BuilderState[K][number]>) =>
    setState((current) => ({ ...current, [key]: current[key].map((row, at) => (at === index ? { ...row, ...patch } : row)) }));
  const removeRow = (key: 'measures' | 'dimensions' | 'filters', index: number) =>
    setState((current) => ({ ...current, [key]: current[key].filter((_, at) => at !== index) }));

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>{t('custom.title')}</Title>
        <Button component={Link} to="/reports" variant="subtle">
          {t('custom.standard')}
        </Button>
      </Group>
      <Paper withBorder p="md" component="section" aria-label={t('custom.definition')}>
        <Stack>
          <Select
            label={t('custom.entity')}
            value={sourceOf(state)}
            allowDeselect={false}
            data={[
              ...(['deals', 'contacts', 'tasks'] as const).map((entity) => ({ value: entity, label: t(`nav.${entity}`) })),
              ...objects.map((object) => ({ value: sourceOf({ entity: 'records', object: object.key }), label: object.pluralLabel })),
            ]}
            onChange={(value) => value && setState({ ...EMPTY_BUILDER, ...fromSource(value) })}
            maw={240}
          />
          <Title order={2} size="h5">
            {t('custom.measures')}
          </Title>
          {state.measures.map((measure, index) => (
            <Group key={index} align="flex-start">
              <Select
                label={t('custom.measureFn', { n: index + 1 })}
                value={measure.fn}
                allowDeselect={false}
                data={MEASURE_FNS}
                onChange={(value) => value && setRow('measures', index, { fn: value as MeasureFn })}
                error={issue(`measures.${index}.fn`)}
              />
              <Select
                label={t('custom.measureField', { n: index + 1 })}
                value={measure.field || null}
                clearable
                data={options(fields.filter((field) => measures(measure.fn, field.kind)))}
                onChange={(value) => setRow('measures', index, { field: value ?? '' })}
                error={issue(`measures.${index}.field`)}
              />
              <ActionIcon variant="subtle" mt={28} aria-label={t('custom.removeMeasure', { n: index + 1 })} onClick={() => removeRow('measures', index)}>
                ✕
              </ActionIcon>
            </Group>
          ))}
          <Group>
            <Button variant="default" size="xs" onClick={() => update({ measures: [...state.measures, { fn: 'count', field: '' }] })}>
              {t('custom.addMeasure')}
            </Button>
          </Group>
          <Title order={2} size="h5">
            {t('custom.dimensions')}
          </Title>
          {state.dimensions.map((dimension, index) => (
            <Group key={index} align="flex-start">
              <Select
                label={t('custom.dimensionField', { n: index + 1 })}
                value={dimension.field || null}
                data={options(fields)}
                onChange={(value) => setRow('dimensions', index, { field: value ?? '', interval: value && isDateField(fields, value) ? 'month' : '' })}
                error={issue(`dimensions.${index}.field`)}
              />
              {isDateField(fields, dimension.field) && (
                <Select
                  label={t('custom.dimensionInterval', { n: index + 1 })}
                  value={dimension.interval || 'day'}
                  allowDeselect={false}
                  data={INTERVALS}
                  onChange={(value) => setRow('dimensions', index, { interval: (value ?? '') as Interval })}
                  error={issue(`dimensions.${index}.interval`)}
                />
              )}
              <ActionIcon variant="subtle" mt={28} aria-label={t('custom.removeDimension', { n: index + 1 })} onClick={() => removeRow('dimensions', index)}>
                ✕
              </ActionIcon>
            </Group>
          ))}
          <Group>
            <Button variant="default" size="xs" onClick={() => update({ dimensions: [...state.dimensions, { field: '', interval: '' }] })}>
              {t('custom.addDimension')}
            </Button>
          </Group>
          <Title order={2} size="h5">
            {t('custom.filters')}
          </Title>
          {state.filters.map((filter, index) => (
            <Group key={index} align="flex-start">
              <Select
                label={t('custom.filterField', { n: index + 1 })}
                value={filter.field || null}
                data={options(fields)}
                onChange={(value) => setRow('filters', index, { field: value ?? '', op: 'eq' })}
                error={issue(`filters.${index}.field`)}
              />
              <Select
                label={t('custom.filterOp', { n: index + 1 })}
                value={filter.op}
                allowDeselect={false}
                data={filterOps(kindOf(filter.field))}
                onChange={(value) => value && setRow('filters', index, { op: value as FilterOp })}
                error={issue(`filters.${index}.op`)}
              />
              {filter.op !== 'is_null' && filter.op !== 'is_not_null' && (
                <TextInput
                  label={t('custom.filterValue', { n: index + 1 })}
                  description={filter.op === 'in' || filter.op === 'not_in' ? t('custom.commaSeparated') : undefined}
                  value={filter.value}
                  onChange={(event) => setRow('filters', index, { value: event.currentTarget.value })}
                  error={issue(`filters.${index}.value`)}
                />
              )}
              <ActionIcon variant="subtle" mt={28} aria-label={t('custom.removeFilter', { n: index + 1 })} onClick={() => removeRow('filters', index)}>
                ✕
              </ActionIcon>
            </Group>
          ))}
          <Group>
            <Button variant="default" size="xs" onClick={() => update({ filters: [...state.filters, { field: '', op: 'eq', value: '' }] })}>
              {t('custom.addFilter')}
            </Button>
          </Group>
          <Group>
            <Button onClick={() => run.mutate()} loading={run.isPending}>
              {t('custom.run')}
            </Button>
          </Group>
          {canWrite && (
            <Group align="flex-end">
              <TextInput label={t('custom.name')} value={name} onChange={(event) => setName(event.currentTarget.value)} error={issue('name')} />
              <Select
                label={t('custom.schedule')}
                value={frequency}
                allowDeselect={false}
                data={[
                  { value: 'none', label: t('custom.notScheduled') },
                  { value: 'weekly', label: t('custom.weekly') },
                  { value: 'monthly', label: t('custom.monthly') },
                ]}
                onChange={(value) => {
                  if (!value) return;
                  // A first schedule goes to oneself until others are picked.
                  if (frequency === 'none' && recipients.length === 0 && me.data) setRecipients([me.data.id]);
                  setFrequency(value as Frequency);
                }}
                error={issue('schedule')}
              />
              {frequency !== 'none' && (
                <MultiSelect
                  label={t('custom.recipients')}
                  data={members}
                  value={recipients}
                  onChange={setRecipients}
                  searchable
                  error={recipientsIssue}
                  miw={260}
                />
              )}
              <Button variant="default" onClick={() => save.mutate()} loading={save.isPending}>
                {savedId ? t('custom.saveChanges') : t('custom.save')}
              </Button>
            </Group>
          )}
          {failure && !placed && <ErrorAlert error={failure} />}
        </Stack>
      </Paper>
      {run.data && (
        <Paper withBorder p="md" component="section" aria-label={t('custom.result')}>
          <Freshness asOf={run.data.asOf} lagMs={run.data.lagMs} />
          <ReportTableView table={withMemberNames(run.data, names)} caption={name || t('custom.result')} />
        </Paper>
      )}
      <Paper withBorder p="md" component="section" aria-label={t('custom.savedReports')}>
        <Title order={2} size="h4" mb="sm">
          {t('custom.savedReports')}
        </Title>
        {saved.isPending && <Loading />}
        {saved.isError && <ErrorAlert error={saved.error} />}
        {saved.data?.data.length === 0 && <Text c="dimmed">{t('custom.noSaved')}</Text>}
        {saved.data && saved.data.data.length > 0 && (
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('custom.name')}</Table.Th>
                <Table.Th>{t('custom.entity')}</Table.Th>
                <Table.Th>{t('custom.schedule')}</Table.Th>
                <Table.Th>{t('common.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {saved.data.data.map((report) => (
                <Table.Tr key={report.id}>
                  <Table.Td>
                    <Link to={`/reports/custom?saved=${report.id}`}>{report.name}</Link>
                  </Table.Td>
                  <Table.Td>
                    {report.query.entity === 'records'
                      ? (objects.find((object) => object.key === report.query.object)?.pluralLabel ?? report.query.object)
                      : t(`nav.${report.query.entity}`)}
                  </Table.Td>
                  <Table.Td>
                    {report.schedule
                      ? t('custom.nextRunTo', {
                          frequency: t(`custom.${report.schedule.frequency}`),
                          when: formatDateTime(report.schedule.nextRunAt),
                          to: report.schedule.recipientUserIds.map((id) => names.get(id) ?? id).join(', '),
                        })
                      : t('custom.notScheduled')}
                  </Table.Td>
                  <Table.Td>
                    {canWrite && (
                      <Button
                        size="xs"
                        variant="subtle"
                        color="red"
                        onClick={() => remove.mutate(report.id)}
                        aria-label={t('custom.delete', { name: report.name })}
                      >
                        {t('custom.deleteShort')}
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
      {savedId && saved.data && !opened && <Alert color="yellow">{t('custom.missing')}</Alert>}
    </Stack>
  );
}
