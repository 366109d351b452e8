import { Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { api } from '../../lib/api';
import { unwrap } from '../../lib/api-error';
import { t, type MessageKey } from '../reports/i18n';
import { metricOf } from '../reports/report-table';
import { Freshness, ReportTableView } from '../reports/ReportTableView';

/** The read models follow events a moment later, so the figures are asked for again while open. */
const REFRESH_MS = 10_000;

export function Component() {
  const dashboard = useQuery({
    queryKey: ['dashboards', 'me'],
    queryFn: () => unwrap(api.GET('/api/v1/dashboards/me')),
    refetchInterval: REFRESH_MS,
  });
  return (
    <Stack>
      <Title order={1}>{t('reports.dashboard')}</Title>
      {dashboard.isPending && <Loading />}
      {dashboard.isError && <ErrorAlert error={dashboard.error} />}
      {dashboard.data && (
        <>
          <Text c="dimmed">{t('reports.scope', { scope: t(`reports.scope.${dashboard.data.scope}` as MessageKey) })}</Text>
          {dashboard.data.widgets.length === 0 && <Text>{t('reports.dashboardEmpty')}</Text>}
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            {dashboard.data.widgets.map((widget) => (
              <Paper key={widget.key} withBorder p="md" component="section" aria-label={widget.title} data-widget={widget.key}>
                <Title order={2} size="h4">
                  {widget.title}
                </Title>
                <Freshness asOf={widget.asOf} lagMs={widget.lagMs} />
                <Stack mt="sm">
                  {widget.kind === 'metric' ? (
                    <Text fz={36} fw={700} data-metric>
                      {new Intl.NumberFormat().format(metricOf(widget.data))}
                    </Text>
                  ) : widget.data ? (
                    <ReportTableView table={widget.data} caption={widget.title} />
                  ) : (
                    <Text c="dimmed">{t('reports.noRows')}</Text>
                  )}
                </Stack>
              </Paper>
            ))}
          </SimpleGrid>
        </>
      )}
    </Stack>
  );
}
