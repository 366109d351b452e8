import { Box, Stack, Table, Text } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { t } from './i18n';
import { chartOf, formatCell, freshness, type ReportTable } from './report-table';

// The first screen after sign-in is the dashboard: its tables show at once, the charts follow.
const ReportBarChart = lazy(() => import('./ReportBarChart'));
// Holds the chart's height while it loads, so the table below does not jump.
const CHART_PLACEHOLDER = <Box h={200} />;

/** A report's answer as a chart (when one dimension over plain numbers) above its table. */
export function ReportTableView({ table, caption }: { table: ReportTable; caption: string }) {
  if (table.rows.length === 0) return <Text c="dimmed">{t('reports.noRows')}</Text>;
  const chart = chartOf(table);
  return (
    <Stack gap="xs">
      {chart && (
        <Suspense fallback={CHART_PLACEHOLDER}>
          <ReportBarChart chart={chart} />
        </Suspense>
      )}
      <Table.ScrollContainer minWidth={320}>
        <Table striped>
          <Table.Caption>{caption}</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              {table.columns.map((column) => (
                <Table.Th key={column.key}>{column.label}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {table.rows.map((row, rowIndex) => (
              <Table.Tr key={rowIndex}>
                {table.columns.map((column, index) => (
                  <Table.Td key={column.key}>{formatCell(table, row, index)}</Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {table.truncated && <Text size="sm">{t('reports.truncated')}</Text>}
    </Stack>
  );
}

/** When the figures were last fed by an event, and how far the read models lag. */
export function Freshness({ asOf, lagMs }: { asOf: string | null; lagMs: number | null }) {
  return (
    <Text size="xs" c="dimmed" data-freshness>
      {freshness(asOf, lagMs)}
    </Text>
  );
}
