import { Group, Stack, Table, Text, Title } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { t } from '../lib/i18n';
import { ErrorAlert } from './ErrorAlert';
import { Loading } from './Loading';

export interface ListScreenColumn<Row> {
  header: string;
  cell: (row: Row) => ReactNode;
}

/**
 * A page of a workspace's few named things (segments, campaigns, custom dashboards): its title with
 * links and buttons, a panel to create or edit one above the list, and the table with its loading,
 * error and empty states. Lists that page through many records use RecordList instead.
 */
export function ListScreen<Row extends { id: string }>({
  title,
  actions,
  panel,
  query,
  columns,
}: {
  title: string;
  actions: ReactNode;
  panel?: ReactNode;
  query: UseQueryResult<{ data: Row[] }>;
  columns: Array<ListScreenColumn<Row>>;
}) {
  const rows = query.data?.data;
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>{title}</Title>
        <Group>{actions}</Group>
      </Group>
      {panel}
      {query.isPending && <Loading />}
      {query.isError && <ErrorAlert error={query.error} />}
      {rows && rows.length === 0 && <Text c="dimmed">{t('list.empty')}</Text>}
      {rows && rows.length > 0 && (
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              {columns.map((column) => (
                <Table.Th key={column.header}>{column.header}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr key={row.id}>
                {columns.map((column) => (
                  <Table.Td key={column.header}>{column.cell(row)}</Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
