import { Anchor, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { t, type MessageKey } from '../reports/i18n';
import { DASHBOARD_REFRESH_MS, dashboardsApi } from './dashboards-api';
import { Widget } from './Widget';

export function Component() {
  const dashboard = useQuery({
    queryKey: ['dashboards', 'me'],
    queryFn: dashboardsApi.mine,
    refetchInterval: DASHBOARD_REFRESH_MS,
  });
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>{t('reports.dashboard')}</Title>
        <Anchor component={Link} to="/dashboards">
          {t('dashboards.title')}
        </Anchor>
      </Group>
      {dashboard.isPending && <Loading />}
      {dashboard.isError && <ErrorAlert error={dashboard.error} />}
      {dashboard.data && (
        <>
          <Text c="dimmed">{t('reports.scope', { scope: t(`reports.scope.${dashboard.data.scope}` as MessageKey) })}</Text>
          {dashboard.data.widgets.length === 0 && <Text>{t('reports.dashboardEmpty')}</Text>}
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            {dashboard.data.widgets.map((widget) => (
              <Widget key={widget.key} widget={widget} />
            ))}
          </SimpleGrid>
        </>
      )}
    </Stack>
  );
}
