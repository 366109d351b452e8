import { ActionIcon, Box, Button, Checkbox, Group, Menu, Table, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useSearchParams } from 'react-router';
import {
  lazy,
  memo,
  Suspense,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type CSSProperties,
  type KeyboardEvent,
  type MouseEvent,
  type ReactNode,
  type RefObject,
} from 'react';
import { ApiError } from '../lib/api-error';
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

/**
 * The API's issue about one of the list's query parameters (`tags`, `createdAtFrom`,
 * `customFields.<key>`…) when it refused the list's request, for the input of that filter.
 */
export type FilterIssueAt = (parameter: string) => string | undefined;

/** A refused list request's issues by query parameter; null when the refusal names no parameter for each of its issues. */
function filterIssuesOf(error: unknown): Map<string, string> | null {
  if (!(error instanceof ApiError) || (error.status !== 400 && error.status !== 422) || error.details.length === 0) return null;
  const issues = new Map<string, string>();
  for (const { field, issue } of error.details) {
    if (!field || !issue) return null;
    if (!issues.has(field)) issues.set(field, issue);
  }
  return issues;
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
  /**
   * The filter inputs; as a function it is given the API's issue about each filter parameter, for
   * its input's `error`. An issue no input asked for stays above the rows.
   */
  toolbar?: ReactNode | ((issueAt: FilterIssueAt) => ReactNode);
  onOpen?: (row: Row) => void;
  /** `clear` ends the selection, or keeps the rows it names (those a bulk action failed on). */
  bulkActions?: (selected: string[], clear: (keep?: string[]) => void) => ReactNode;
  initialSort?: string;
  searchLabel: string;
}

const PAGE_SIZE = 100;
/** The next page is asked for when the last rendered row is this close to the last loaded one. */
const PREFETCH_ROWS = PAGE_SIZE / 2;
export const ROW_HEIGHT = 40;
const NO_ROWS: never[] = [];
/**
 * A body cell is a plain td with Mantine's cell class: Table.Td would add a component, a context read
 * and a styles resolution per cell, and while scrolling fast ten rows of cells mount every frame.
 */
const CELL_CLASS = Table.classes.td;
const CELL_STYLE: CSSProperties = { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' };
const ROW_STYLE: CSSProperties = { height: ROW_HEIGHT };
const OPENABLE_ROW_STYLE: CSSProperties = { height: ROW_HEIGHT, cursor: 'pointer' };

/**
 * The list every record type uses: server cursor paging fetched as the user scrolls, only the
 * visible rows rendered, server-side sort and `q` search as you type, a column chooser (shown
 * and in which order) kept in the open saved view or else per browser, saved views (`views`),
 * bulk selection, and arrow keys to move between rows (Enter opens one).
 */
export function RecordList<Row extends { id: string }>(props: RecordListProps<Row>) {
  const { name, columns, fetchPage, filters, toolbar, onOpen, bulkActions, initialSort, searchLabel, views } = props;
  const [params] = useSearchParams();
  // A link's or a reload's search from the first fetch on (useListView applies it too, and keeps `?q=` as it changes).
  const [q, setQ] = useState(() => params.get('q') ?? '');
  const [debouncedQ] = useDebouncedValue(q.trim(), 200);
  const [sort, setSort] = useState(initialSort);
  const [selection, setSelection] = useState<ReadonlySet<string>>(() => new Set());
  const chosenIds = useMemo(() => columns.filter((column) => !column.fixed).map((column) => column.id), [columns]);
  const view = useListView({
    name,
    enabled: Boolean(views),
    columnIds: chosenIds,
    initialSort,
    apply: { setQ, setSort, applyFilters: views?.applyFilters },
    filters,
    search: debouncedQ,
  });
  // The shown columns in their order, then the fixed ones; the same array while they stay, so the rows keep their props.
  const visibleColumns = useMemo(
    () => [...view.shown.flatMap((id) => columns.filter((column) => column.id === id)), ...columns.filter((column) => column.fixed)],
    [view.shown, columns],
  );

  const pages = useInfiniteQuery({
    queryKey: [name, 'list', { q: debouncedQ, sort, filters }],
    enabled: view.ready,
    queryFn: ({ pageParam }) => fetchPage({ cursor: pageParam, sort, q: debouncedQ || undefined, limit: PAGE_SIZE }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  // Pages keep their identity when the next one arrives, so a row already rendered stays the same object.
  const rows = useMemo(() => pages.data?.pages.flatMap((page) => page.data) ?? NO_ROWS, [pages.data]);

  const { hasNextPage, isFetchingNextPage, fetchNextPage } = pages;
  const onNearEnd = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  const toggle = useCallback(
    (id: string) =>
      setSelection((current) => {
        const next = new Set(current);
        if (!next.delete(id)) next.add(id);
        return next;
      }),
    [],
  );
  const allSelected = rows.length > 0 && rows.every((row) => selection.has(row.id));
  const selectAll = () => setSelection(allSelected ? new Set() : new Set(rows.map((row) => row.id)));
  const clearSelection = (keep: string[] = []) => setSelection(new Set(keep));

  const viewport = useRef<HTMLDivElement>(null);
  const sortBy = (field: string) => setSort((current) => (current === field ? `-${field}` : field));
  // The inputs take the issues they show while the toolbar renders; the rest are said above the rows.
  const issues = pages.isError ? filterIssuesOf(pages.error) : null;
  const placed = new Set<string>();
  const issueAt: FilterIssueAt = (parameter) => {
    const issue = issues?.get(parameter);
    if (issue !== undefined) placed.add(parameter);
    return issue;
  };
  const searchIssue = issueAt('q');
  const filterInputs = typeof toolbar === 'function' ? toolbar(issueAt) : toolbar;
  const unplaced = issues ? [...issues].filter(([parameter]) => !placed.has(parameter)) : [];
  return (
    <>
      <Group mb="sm" align="end" wrap="wrap">
        <TextInput label={searchLabel} type="search" value={q} onChange={(event) => setQ(event.currentTarget.value)} error={searchIssue} w={260} />
        {filterInputs}
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
        {bulkActions && selection.size > 0 && (
          <Group gap="xs">
            <Text size="sm">{t('list.selected', { count: selection.size })}</Text>
            {bulkActions([...selection], clearSelection)}
          </Group>
        )}
      </Group>
      {pages.isError && (issues === null || unplaced.length > 0) && (
        <ErrorAlert error={pages.error} issues={unplaced.map(([parameter, issue]) => `${parameter}: ${issue}`)} />
      )}
      {/* A plain overflow box: the one scroller the virtualizer measures. */}
      <Box ref={viewport} mah="calc(100vh - 220px)" style={{ overflow: 'auto' }}>
        <Table striped highlightOnHover stickyHeader aria-rowcount={rows.length} style={{ tableLayout: 'fixed', minWidth: 720 }}>
          <Table.Thead>
            <Table.Tr>
              {bulkActions && (
                <Table.Th w={44}>
                  <Checkbox aria-label={t('list.selectAll')} checked={allSelected} indeterminate={selection.size > 0 && !allSelected} onChange={selectAll} />
                </Table.Th>
              )}
              {visibleColumns.map((column) => {
                const direction = column.sortField && (sort === column.sortField ? 'ascending' : sort === `-${column.sortField}` ? 'descending' : undefined);
                return (
                  <Table.Th key={column.id} aria-sort={direction || undefined}>
                    {column.sortField ? (
                      <UnstyledButton onClick={() => sortBy(column.sortField!)} fw={700} fz="sm">
                        {column.header} {direction === 'ascending' ? '▲' : direction === 'descending' ? '▼' : ''}
                      </UnstyledButton>
                    ) : (
                      column.header
                    )}
                  </Table.Th>
                );
              })}
            </Table.Tr>
          </Table.Thead>
          <RecordRows
            rows={rows}
            columns={visibleColumns}
            selection={bulkActions ? selection : undefined}
            onToggle={toggle}
            onOpen={onOpen}
            onNearEnd={onNearEnd}
            viewport={viewport}
          />
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

interface RecordRowsProps<Row extends { id: string }> {
  rows: Row[];
  columns: Array<RecordColumn<Row>>;
  /** The selected ids, when the list has bulk actions. */
  selection?: ReadonlySet<string>;
  onToggle: (id: string) => void;
  onOpen?: (row: Row) => void;
  onNearEnd: () => void;
  viewport: RefObject<HTMLDivElement | null>;
}

/**
 * The rows on screen (and a few either side), between two spacer rows that stand for the others.
 * Scrolling re-renders this body alone, and of its rows only those that come into view: a row
 * keeps its props while it stays on screen, and its clicks and keys are handled here, once.
 */
function RecordRows<Row extends { id: string }>({ rows, columns, selection, onToggle, onOpen, onNearEnd, viewport }: RecordRowsProps<Row>) {
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => viewport.current, estimateSize: () => ROW_HEIGHT, overscan: 6 });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? 0;
  useEffect(() => {
    if (lastIndex >= rows.length - PREFETCH_ROWS) onNearEnd();
  }, [lastIndex, rows.length, onNearEnd]);

  const paddingTop = items[0]?.start ?? 0;
  const paddingBottom = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);
  const width = columns.length + (selection ? 1 : 0);

  const rowAt = (target: EventTarget) => {
    const index = (target as HTMLElement).closest<HTMLElement>('tr[data-index]')?.dataset.index;
    return index === undefined ? undefined : Number(index);
  };
  const onClick = (event: MouseEvent<HTMLTableSectionElement>) => {
    const index = rowAt(event.target);
    if (index !== undefined) onOpen?.(rows[index]!);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTableSectionElement>) => {
    const index = rowAt(event.target);
    if (index === undefined) return;
    if (event.key === 'Enter' && onOpen) onOpen(rows[index]!);
    else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      const next = Math.max(0, Math.min(rows.length - 1, index + (event.key === 'ArrowDown' ? 1 : -1)));
      virtualizer.scrollToIndex(next);
      requestAnimationFrame(() => viewport.current?.querySelector<HTMLElement>(`[data-index="${next}"]`)?.focus());
    } else return;
    event.preventDefault();
  };

  return (
    <Table.Tbody onClick={onClick} onKeyDown={onKeyDown}>
      {paddingTop > 0 && (
        <Table.Tr aria-hidden>
          <Table.Td colSpan={width} style={{ height: paddingTop, padding: 0 }} />
        </Table.Tr>
      )}
      {items.map((item) => {
        const row = rows[item.index]!;
        return (
          <RecordRow
            key={row.id}
            row={row}
            index={item.index}
            columns={columns}
            selected={selection?.has(row.id)}
            onToggle={onToggle}
            openable={onOpen !== undefined}
          />
        );
      })}
      {paddingBottom > 0 && (
        <Table.Tr aria-hidden>
          <Table.Td colSpan={width} style={{ height: paddingBottom, padding: 0 }} />
        </Table.Tr>
      )}
    </Table.Tbody>
  );
}

interface RecordRowProps<Row extends { id: string }> {
  row: Row;
  index: number;
  columns: Array<RecordColumn<Row>>;
  /** Undefined when the list has no selection column. */
  selected: boolean | undefined;
  onToggle: (id: string) => void;
  openable: boolean;
}

const stopPropagation = (event: MouseEvent) => event.stopPropagation();

function RecordRowCells<Row extends { id: string }>({ row, index, columns, selected, onToggle, openable }: RecordRowProps<Row>) {
  return (
    <Table.Tr data-index={index} tabIndex={0} style={openable ? OPENABLE_ROW_STYLE : ROW_STYLE}>
      {selected !== undefined && (
        <Table.Td>
          <Checkbox aria-label={t('list.selectRow')} checked={selected} onChange={() => onToggle(row.id)} onClick={stopPropagation} />
        </Table.Td>
      )}
      {columns.map((column) => (
        <td key={column.id} className={CELL_CLASS} style={CELL_STYLE}>
          {column.cell(row)}
        </td>
      ))}
    </Table.Tr>
  );
}

/** Rendered again only when its record, its selection or the columns change, not on every scroll step. */
const RecordRow = memo(RecordRowCells) as typeof RecordRowCells;
