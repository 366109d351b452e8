import { Paper, Stack, Text, Title } from '@mantine/core';
import type { components } from '../../api/schema';
import { withMemberNames } from '../reports/custom-report';
import { t } from '../reports/i18n';
import { metricOf } from '../reports/report-table';
import { Freshness, ReportTableView } from '../reports/ReportTableView';

/**
 * One card of a dashboard, the role's or a custom one: a metric as one figure, else its table and
 * chart; with `names` (member names by id), an owner or assignee column shows the member's name.
 */
export function Widget({ widget, names }: { widget: components['schemas']['DashboardWidget']; names?: ReadonlyMap<string, string> }) {
  return (
    <Paper withBorder p="md" component="section" aria-label={widget.title} data-widget={widget.key}>
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
          <ReportTableView table={names ? withMemberNames(widget.data, names) : widget.data} caption={widget.title} />
        ) : (
          <Text c="dimmed">{t('reports.noRows')}</Text>
        )}
      </Stack>
    </Paper>
  );
}
