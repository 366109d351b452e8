import { useLocalStorage } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { messageOf } from '../lib/api-error';
import { activeView, filtersOfParam, filtersParam, mayChangeView, shownColumns, splitViewFilters, STANDARD_VIEW, viewsApi, type View } from '../lib/list-views';
import { useCan, useMe } from '../lib/me';

/** What a list takes from the view it opens: its search and sort, and the page's filters (null: the page's own defaults). */
export interface ViewApplier {
  setQ: (q: string) => void;
  setSort: (sort: string | undefined) => void;
  applyFilters?: (filters: Record<string, unknown> | null) => void;
}

interface ListViewOptions {
  /** The list's name, the views' entity (contacts, tasks, object:<key>…). */
  name: string;
  /** Whether the list has saved views; without them the column choice is kept in the browser. */
  enabled: boolean;
  columnIds: string[];
  initialSort?: string;
  apply: ViewApplier;
  /** The page's filters as the list's query parameters, mirrored in `?filters=` when the page applies a view's filters. */
  filters?: Record<string, unknown>;
  /** The search as the list sends it, mirrored in `?q=`. */
  search: string;
}

/**
 * The saved view a list shows (`?view=<id>`, else the user's default, `?view=standard` none) and
 * its columns. Opening a view sets the list's search, sort and the page's filters once (the
 * search of `?q=` and the filters of `?filters=` instead when the page opens with them: the URL
 * keeps them as they change, so a reload or a link shows the list as it was); `ready`
 * holds the list's first fetch until then, so a default view does not cost a fetch of the plain
 * list first. A column change is saved into the open view, or into the browser without one; in a
 * view a colleague shared (read only) it lasts while the view stays open, for "save as" to keep.
 */
export function useListView({ name, enabled, columnIds, initialSort, apply, filters: pageFilters, search }: ListViewOptions) {
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const param = params.get('view');
  const views = useQuery({ queryKey: ['views', name], queryFn: () => viewsApi.list(name), enabled });
  const loaded = !enabled || views.isFetched;
  const active = enabled && views.data ? activeView(views.data, param) : null;
  const key = active?.id ?? STANDARD_VIEW;
  // Null until the first view is applied, with or without saved views: a link's search is applied then.
  const [appliedKey, setAppliedKey] = useState<string | null>(null);
  const [browserColumns, setBrowserColumns] = useLocalStorage<string[] | null>({ key: `kinship.columnOrder.${name}`, defaultValue: null });
  const [viewColumns, setViewColumns] = useState<{ key: string; columns: string[] } | null>(null);
  const userId = useMe().data?.id;
  const canManageShared = useCan('views:manage-shared');
  const changeable = active !== null && mayChangeView(active, userId, canManageShared);

  useEffect(() => {
    if (!loaded || appliedKey === key) return;
    const { filters, q } = splitViewFilters(active?.filters ?? {});
    // The search and filters a link or a reload carries win over the view's, once: a view opened later shows its own.
    const first = appliedKey === null;
    apply.setQ((first ? params.get('q') : null) ?? q);
    apply.setSort(active?.sort ?? initialSort);
    const linked = first ? filtersOfParam(params.get('filters')) : null;
    apply.applyFilters?.(linked ?? (active ? filters : null));
    setAppliedKey(key);
    // The default view opened without ?view=: the URL names it, so a reload or a shared link opens it too.
    if (active && param === null) setParams((current) => ({ ...Object.fromEntries(current), view: active.id }), { replace: true });
  }, [loaded, appliedKey, key, active, apply, initialSort, param, params, setParams]);

  const ready = loaded && appliedKey === key;
  const mirroredFilters = enabled && apply.applyFilters && ready ? filtersParam(pageFilters ?? {}) : undefined;
  const mirroredQ = ready ? search || null : undefined;
  useEffect(() => {
    const stale = (name: string, value: string | null | undefined) => value !== undefined && value !== params.get(name);
    if (!stale('filters', mirroredFilters) && !stale('q', mirroredQ)) return;
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const [name, value] of [
          ['filters', mirroredFilters],
          ['q', mirroredQ],
        ] as const) {
          if (value === null) next.delete(name);
          else if (value !== undefined) next.set(name, value);
        }
        return next;
      },
      { replace: true },
    );
  }, [mirroredFilters, mirroredQ, params, setParams]);

  // The same array while the view's columns stay: the list's column model and its rows follow it.
  const unsaved = viewColumns?.key === key ? viewColumns.columns : null;
  const shown = useMemo(() => shownColumns(columnIds, active ? (unsaved ?? active.columns) : browserColumns), [columnIds, active, unsaved, browserColumns]);
  const setShown = (columns: string[]) => {
    if (!active) return setBrowserColumns(columns);
    if (!changeable) return setViewColumns({ key, columns });
    // Shown at once; the API's answer (or the view as it was, on a refusal) replaces it.
    queryClient.setQueryData<View[]>(['views', name], (list) => list?.map((view) => (view.id === active.id ? { ...view, columns } : view)));
    viewsApi
      .update(active.id, { columns })
      .catch((error: unknown) => notifications.show({ color: 'red', message: messageOf(error) }))
      .finally(() => void queryClient.invalidateQueries({ queryKey: ['views', name] }));
  };
  const open = (id: string) => setParams((current) => ({ ...Object.fromEntries(current), view: id }));

  return { views: views.data ?? [], active, changeable, ready, shown, setShown, open };
}
