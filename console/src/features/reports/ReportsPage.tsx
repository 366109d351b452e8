import { BarChart } from '@mantine/charts';
import '@mantine/charts/styles.css';
import { Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { api } from '../../lib/api';
import { unwrap } from '../../lib/api-error';
import { formatMoney, t } from '../../lib/i18n';

export function Component() {
  const pipeline = useQuery({ queryKey: ['reports', 'pipeline'], queryFn: () => unwrap(api.GET('/api/v1/reports/pipeline', { params: { query: {} } })) });
  const currencies = [...new Set(pipeline.data?.data.map((row) => row.currency) ?? [])];
  return (
    <Stack>
      <Title order={1}>{t('nav.reports')}</Title>
      {pipeline.isPending && <Loading />}
      {pipeline.isError && <ErrorAlert error={pipeline.error} />}
      {pipeline.data && currencies.length === 0 && <Text c="dimmed">{t('reports.noOpenDeals')}</Text>}
      {currencies.map((currency) => {
        const rows = pipeline.data!.data.filter((row) => row.currency === currency).sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
        return (
          <Paper key={currency} withBorder p="md">
            <Title order={2} size="h4" mb="sm">
              {t('reports.pipeline', { currency })}
            </Title>
            <BarChart
              h={260}
              data={rows.map((row) => ({ stage: row.stageName ?? row.stageId, amount: row.amount, weighted: row.weightedAmount }))}
              dataKey="stage"
              valueFormatter={(value) => formatMoney(value, currency)}
              series={[
                { name: 'amount', label: t('reports.amount'), color: 'blue.6' },
                { name: 'weighted', label: t('reports.weighted'), color: 'teal.6' },
              ]}
            />
          </Paper>
        );
      })}
    </Stack>
  );
}
