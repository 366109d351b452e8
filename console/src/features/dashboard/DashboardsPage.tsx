import { Alert, Anchor, Button, Group, MultiSelect, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { applyApiError } from '../../lib/form-errors';
import { formatDateTime } from '../../lib/i18n';
import { useCan } from '../../lib/me';
import { t } from '../reports/i18n';
import { dashboardsApi } from './dashboards-api';

/** The workspace's custom dashboards, each a set of saved reports; `reports:write` creates them. */
export function Component() {
  const canWrite = useCan('reports:write');
  const dashboards = useQuery({ queryKey: ['dashboards', 'custom'], queryFn: dashboardsApi.list });
  const [creating, setCreating] = useState(false);
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>{t('dashboards.title')}</Title>
        <Group>
          <Anchor component={Link} to="/dashboard">
            {t('reports.dashboard')}
          </Anchor>
          {canWrite && <Button onClick={() => setCreating(true)}>{t('dashboards.new')}</Button>}
        </Group>
      </Group>
      {creating && <DashboardForm onDone={() => setCreating(false)} />}
      {dashboards.isPending && <Loading />}
      {dashboards.isError && <ErrorAlert error={dashboards.error} />}
      {dashboards.data && dashboards.data.data.length === 0 && <Text c="dimmed">{t('list.empty')}</Text>}
      {dashboards.data && dashboards.data.data.length > 0 && (
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('field.name')}</Table.Th>
              <Table.Th>{t('dashboards.widgets')}</Table.Th>
              <Table.Th>{t('dashboards.updated')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {dashboards.data.data.map((dashboard) => (
              <Table.Tr key={dashboard.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/dashboards/${dashboard.id}`}>
                    {dashboard.name}
                  </Anchor>
                </Table.Td>
                <Table.Td>{dashboard.widgets.length}</Table.Td>
                <Table.Td>{formatDateTime(dashboard.updatedAt)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

/** Creates a dashboard, or renames one and replaces its widgets: the saved reports it shows, in order. */
export function DashboardForm({
  dashboard,
  onDone,
}: {
  dashboard?: { id: string; name: string; widgets: Array<{ savedReportId: string | null }> };
  onDone: () => void;
}) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const saved = useQuery({ queryKey: ['reports', 'saved'], queryFn: dashboardsApi.savedReports });
  const [error, setError] = useState<string | null>(null);
  const form = useForm({
    initialValues: {
      name: dashboard?.name ?? '',
      reports: (dashboard?.widgets ?? []).flatMap((widget) => (widget.savedReportId ? [widget.savedReportId] : [])),
    },
  });
  const submit = form.onSubmit(async ({ name, reports }) => {
    setError(null);
    const widgets = reports.map((savedReportId) => ({ savedReportId }));
    try {
      const result = dashboard ? await dashboardsApi.update(dashboard.id, { name, widgets }) : await dashboardsApi.create({ name, widgets });
      await queryClient.invalidateQueries({ queryKey: ['dashboards'] });
      onDone();
      if (!dashboard) navigate(`/dashboards/${result.id}`);
    } catch (failure) {
      // widgets.N.savedReportId and the like belong to the reports' picker.
      setError(applyApiError(failure, ['name', 'widgets'], (field, issue) => form.setFieldError(field === 'name' ? 'name' : 'reports', issue)));
    }
  });
  return (
    <Paper withBorder p="md" component="section" aria-label={dashboard ? t('dashboards.edit') : t('dashboards.new')}>
      <form onSubmit={submit} noValidate>
        <Stack maw={560}>
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <TextInput label={t('field.name')} required {...form.getInputProps('name')} />
          <MultiSelect
            label={t('dashboards.reports')}
            description={t('dashboards.reportsHint')}
            data={(saved.data?.data ?? []).map((report) => ({ value: report.id, label: report.name }))}
            searchable
            {...form.getInputProps('reports')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onDone}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={form.submitting}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
