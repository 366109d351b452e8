import { ActionIcon, Box, Button, Checkbox, Group, Menu, Table, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useInfiniteQuery } from '@tanstack/react-query';
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef, type RowSelectionState } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { lazy, Suspense, useEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { t } from '../lib/i18n';
import { moveColumn, toggleColumn, viewFilters } from '../lib/list-views';
import { ErrorAlert } from './ErrorAlert';
import { Loading } from './Loading';
import { useListView } from './useListView';

// The views menu (and its dialogs) loads with the toolbar, not with the rows.
const ListViewsMenu = lazy(() => import('./ListViewsMenu').then((module) => ({ default: module.ListViewsMenu })));

export interface Page<Row> {
  data: Row[];
  nextCursor: string | null;
}

export interface ListRequest {
  cursor?: string;
  sort?: string;
  q?: string;
  limit: number;
}

export interface RecordColumn<Row> {
  id: string;
  header: string;
  cell: (row: Row) => ReactNode;
  /** The API's `sort` field when the column can be sorted by the server. */
  sortField?: string;
  /** Not a field of the record (row actions): always shown last, never chosen nor kept in a view. */
  fixed?: boolean;
}

interface RecordListProps<Row extends { id: string }> {
  /** Names the list in the query cache, in the saved column choice and as the entity of its saved views. */
  name: string;
  /** Ids are the API's field names (`customFields.<key>` for a custom field): a saved view stores them. */
  columns: Array<RecordColumn<Row>>;
  fetchPage: (request: ListRequest) => Promise<Page<Row>>;
  /** Part of the query key: the page's filters as the list's query parameters, so changing one starts again from the first page. */
  filters?: Record<string, unknown>;
  /**
   * The list has saved views (its `name` is their entity); applyFilters sets the page's filters
   * from the view opened (null: back to the page's own defaults).
   */
  views?: { applyFilters?: (filters: Record<string, unknown> | null) => void };
  toolbar?: ReactNode;
  onOpen?: (row: Row) => void;
  bulkActions?: (selected: string[], clear: () => void) => ReactNode;
  initialSort?: string;
  searchLabel: string;
}

const PAGE_SIZE = 100;
const ROW_HEIGHT = 40;

/**
 * The list every record type uses: server cursor paging fetched as the user scrolls, only the
 * visible rows rendered, server-side sort and `q` search as you type, a column chooser (shown
 * and in which order) kept in the open saved view or else per browser, saved views (`views`),
 * bulk selection, and arrow keys to move between rows (Enter opens one).
 */
export function RecordList<Row extends { id: string }>(props: RecordListProps<Row>) {
  const { name, columns, fetchPage, filters, toolbar, onOpen, bulkActions, initialSort, searchLabel, views } = props;
  const [q, setQ] = useState('');
  const [debouncedQ] = useDebouncedValue(q.trim(), 200);
  const [sort, setSort] = useState(initialSort);
  const [rowSelection, setRowSelection] = useState<RowSelectionState>({});
  const chosenIds = useMemo(() => columns.filter((column) => !column.fixed).map((column) => column.id), [columns]);
  const view = useListView({ name, enabled: Boolean(views), columnIds: chosenIds, initialSort, apply: { setQ, setSort, applyFilters: views?.applyFilters } });
  const fixedIds = columns.filter((column) => column.fixed).map((column) => column.id);
  const columnOrder = ['select', ...view.shown, ...fixedIds];
  const columnVisibility = Object.fromEntries(chosenIds.map((id) => [id, view.shown.includes(id)]));

  const pages = useInfiniteQuery({
    queryKey: [name, 'list', { q: debouncedQ, sort, filters }],
    enabled: view.ready,
    queryFn: ({ pageParam }) => fetchPage({ cursor: pageParam, sort, q: debouncedQ || undefined, limit: PAGE_SIZE }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = useMemo(() => pages.data?.pages.flatMap((page) => page.data) ?? [], [pages.data]);

  const tableColumns = useMemo<Array<ColumnDef<Row>>>(
    () => [
      ...(bulkActions
        ? [
            {
              id: 'select',
              enableHiding: false,
              header: ({ table }) => (
                <Checkbox
                  aria-label={t('list.selectAll')}
                  checked={table.getIsAllRowsSelected()}
                  indeterminate={table.getIsSomeRowsSelected()}
                  onChange={table.getToggleAllRowsSelectedHandler()}
                />
              ),
              cell: ({ row }) => (
                <Checkbox
                  aria-label={t('list.selectRow')}
                  checked={row.getIsSelected()}
                  onChange={row.getToggleSelectedHandler()}
                  onClick={(event) => event.stopPropagation()}
                />
              ),
            } satisfies ColumnDef<Row>,
          ]
        : []),
      ...columns.map((column) => ({ id: column.id, header: column.header, cell: ({ row }: { row: { original: Row } }) => column.cell(row.original) })),
    ],
    [columns, bulkActions],
  );
  const table = useReactTable({
    data: rows,
    columns: tableColumns,
    state: { rowSelection, columnVisibility, columnOrder },
    getRowId: (row) => row.id,
    enableRowSelection: true,
    onRowSelectionChange: setRowSelection,
    getCoreRowModel: getCoreRowModel(),
  });

  const viewport = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => viewport.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? 0;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = pages;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastIndex >= rows.length - 20) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage, lastIndex, rows.length]);

  const selected = Object.keys(rowSelection).filter((id) => rowSelection[id]);
  const tableRows = table.getRowModel().rows;
  const paddingTop = items[0]?.start ?? 0;
  const paddingBottom = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);

  const onRowKey = (event: KeyboardEvent<HTMLTableRowElement>, index: number, row: Row) => {
    if (event.key === 'Enter' && onOpen) onOpen(row);
    else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      const next = Math.max(0, Math.min(rows.length - 1, index + (event.key === 'ArrowDown' ? 1 : -1)));
      virtualizer.scrollToIndex(next);
      requestAnimationFrame(() => viewport.current?.querySelector<HTMLElement>(`[data-index="${next}"]`)?.focus());
    } else return;
    event.preventDefault();
  };

  const sortBy = (field: string) => setSort((current) => (current === field ? `-${field}` : field));
  const visibleCount = table.getVisibleLeafColumns().length;
  return (
    <>
      <Group mb="sm" align="end" wrap="wrap">
        <TextInput label={searchLabel} type="search" value={q} onChange={(event) => setQ(event.currentTarget.value)} w={260} />
        {toolbar}
        <Menu closeOnItemClick={false}>
          <Menu.Target>
            <Button variant="default">{t('list.columns')}</Button>
          </Menu.Target>
          <Menu.Dropdown>
            {[...view.shown, ...chosenIds.filter((id) => !view.shown.includes(id))].map((id) => {
              const header = columns.find((column) => column.id === id)!.header;
              const shown = view.shown.includes(id);
              return (
                <Group key={id} gap={4} px="xs" py={4} wrap="nowrap">
                  <Checkbox label={header} checked={shown} onChange={() => view.setShown(toggleColumn(view.shown, id))} style={{ flex: 1 }} />
                  {shown && (
                    <>
                      <ActionIcon
                        variant="subtle"
                        size="sm"
                        aria-label={t('list.moveUp', { column: header })}
                        onClick={() => view.setShown(moveColumn(view.shown, id, -1))}
                      >
                        ↑
                      </ActionIcon>
                      <ActionIcon
                        variant="subtle"
                        size="sm"
                        aria-label={t('list.moveDown', { column: header })}
                        onClick={() => view.setShown(moveColumn(view.shown, id, 1))}
                      >
                        ↓
                      </ActionIcon>
                    </>
                  )}
                </Group>
              );
            })}
          </Menu.Dropdown>
        </Menu>
        {views && (
          <Suspense fallback={null}>
            <ListViewsMenu
              entity={name}
              views={view.views}
              active={view.active}
              current={() => ({ columns: view.shown, filters: viewFilters(filters ?? {}, q), sort: sort ?? null })}
              open={view.open}
            />
          </Suspense>
        )}
        {bulkActions && selected.length > 0 && (
          <Group gap="xs">
            <Text size="sm">{t('list.selected', { count: selected.length })}</Text>
            {bulkActions(selected, () => setRowSelection({}))}
          </Group>
        )}
      </Group>
      {pages.isError && <ErrorAlert error={pages.error} />}
      {/* A plain overflow box: the one scroller the virtualizer measures. */}
      <Box ref={viewport} mah="calc(100vh - 220px)" style={{ overflow: 'auto' }}>
        <Table striped highlightOnHover stickyHeader aria-rowcount={rows.length} style={{ tableLayout: 'fixed', minWidth: 720 }}>
          <Table.Thead>
            {table.getHeaderGroups().map((group) => (
              <Table.Tr key={group.id}>
                {group.headers.map((header) => {
                  const column = columns.find((candidate) => candidate.id === header.id);
                  const direction = column?.sortField && (sort === column.sortField ? 'ascending' : sort === `-${column.sortField}` ? 'descending' : undefined);
                  return (
                    <Table.Th key={header.id} w={header.id === 'select' ? 44 : undefined} aria-sort={direction || undefined}>
                      {column?.sortField ? (
                        <UnstyledButton onClick={() => sortBy(column.sortField!)} fw={700} fz="sm">
                          {column.header} {direction === 'ascending' ? '▲' : direction === 'descending' ? '▼' : ''}
                        </UnstyledButton>
                      ) : (
                        flexRender(header.column.columnDef.header, header.getContext())
                      )}
                    </Table.Th>
                  );
                })}
              </Table.Tr>
            ))}
          </Table.Thead>
          <Table.Tbody>
            {paddingTop > 0 && (
              <Table.Tr aria-hidden>
                <Table.Td colSpan={visibleCount} style={{ height: paddingTop, padding: 0 }} />
              </Table.Tr>
            )}
            {items.map((item) => {
              const row = tableRows[item.index]!;
              return (
                <Table.Tr
                  key={row.id}
                  data-index={item.index}
                  tabIndex={0}
                  style={{ height: ROW_HEIGHT, cursor: onOpen ? 'pointer' : undefined }}
                  onClick={() => onOpen?.(row.original)}
                  onKeyDown={(event) => onRowKey(event, item.index, row.original)}
                >
                  {row.getVisibleCells().map((cell) => (
                    <Table.Td key={cell.id} style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
                      {flexRender(cell.column.columnDef.cell, cell.getContext())}
                    </Table.Td>
                  ))}
                </Table.Tr>
              );
            })}
            {paddingBottom > 0 && (
              <Table.Tr aria-hidden>
                <Table.Td colSpan={visibleCount} style={{ height: paddingBottom, padding: 0 }} />
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      </Box>
      {pages.isPending && <Loading />}
      {pages.isSuccess && rows.length === 0 && (
        <Text c="dimmed" py="lg" ta="center">
          {debouncedQ ? t('list.noMatch', { q: debouncedQ }) : t('list.empty')}
        </Text>
      )}
    </>
  );
}
