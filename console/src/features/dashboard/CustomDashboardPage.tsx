import { Anchor, Button, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { useCan } from '../../lib/me';
import { useWorkspaceUsers } from '../../lib/users';
import { t } from '../reports/i18n';
import { DashboardForm } from './DashboardsPage';
import { DASHBOARD_REFRESH_MS, dashboardsApi } from './dashboards-api';
import { Widget } from './Widget';

export function Component() {
  const { id } = useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const canWrite = useCan('reports:write');
  const [editing, setEditing] = useState(false);
  // The cards' owner and assignee columns hold user ids: shown as names, as the report builder does.
  const users = useWorkspaceUsers();
  const names = useMemo(() => new Map((users.data?.data ?? []).map((user) => [user.id, user.name])), [users.data]);
  const dashboard = useQuery({ queryKey: ['dashboards', id], queryFn: () => dashboardsApi.get(id!), refetchInterval: DASHBOARD_REFRESH_MS });
  const remove = useMutation({
    mutationFn: () => dashboardsApi.remove(id!),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['dashboards'] });
      navigate('/dashboards', { replace: true });
    },
  });
  if (dashboard.isError) return <ErrorAlert error={dashboard.error} />;
  if (!dashboard.data) return <Loading />;
  const { data } = dashboard;
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>{data.name}</Title>
        <Group>
          <Anchor component={Link} to="/dashboards">
            {t('dashboards.title')}
          </Anchor>
          {canWrite && (
            <>
              <Button variant="default" onClick={() => setEditing(true)}>
                {t('dashboards.edit')}
              </Button>
              <Button variant="light" color="red" onClick={() => remove.mutate()} loading={remove.isPending}>
                {t('dashboards.delete')}
              </Button>
            </>
          )}
        </Group>
      </Group>
      {remove.isError && <ErrorAlert error={remove.error} />}
      {editing && <DashboardForm key={data.updatedAt} dashboard={data} onDone={() => setEditing(false)} />}
      {data.widgets.length === 0 && <Text c="dimmed">{t('dashboards.noWidgets')}</Text>}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        {data.widgets.map((widget) => (
          <Widget key={widget.key} widget={widget} names={names} />
        ))}
      </SimpleGrid>
    </Stack>
  );
}
