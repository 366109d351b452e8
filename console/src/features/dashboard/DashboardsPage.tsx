import { Anchor, Button, MultiSelect, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { EditorPanel } from '../../components/EditorPanel';
import { ListScreen } from '../../components/ListScreen';
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
    <ListScreen
      title={t('dashboards.title')}
      actions={
        <>
          <Anchor component={Link} to="/dashboard">
            {t('reports.dashboard')}
          </Anchor>
          {canWrite && <Button onClick={() => setCreating(true)}>{t('dashboards.new')}</Button>}
        </>
      }
      panel={creating && <DashboardForm onDone={() => setCreating(false)} />}
      query={dashboards}
      columns={[
        {
          header: t('field.name'),
          cell: (dashboard) => (
            <Anchor component={Link} to={`/dashboards/${dashboard.id}`}>
              {dashboard.name}
            </Anchor>
          ),
        },
        { header: t('dashboards.widgets'), cell: (dashboard) => dashboard.widgets.length },
        { header: t('dashboards.updated'), cell: (dashboard) => formatDateTime(dashboard.updatedAt) },
      ]}
    />
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
    <EditorPanel label={dashboard ? t('dashboards.edit') : t('dashboards.new')} error={error} onSubmit={submit} onCancel={onDone} submitting={form.submitting}>
      <TextInput label={t('field.name')} required {...form.getInputProps('name')} />
      <MultiSelect
        label={t('dashboards.reports')}
        description={t('dashboards.reportsHint')}
        data={(saved.data?.data ?? []).map((report) => ({ value: report.id, label: report.name }))}
        searchable
        {...form.getInputProps('reports')}
      />
    </EditorPanel>
  );
}
