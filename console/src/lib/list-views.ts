import type { components } from '../api/schema';
import { api } from './api';
import { unwrap } from './api-error';

export type View = components['schemas']['View'];
export type ViewChanges = components['schemas']['UpdateViewBody'];

/** `?view=standard`: the list as it comes, even when the user has a default view. */
export const STANDARD_VIEW = 'standard';

export const viewsApi = {
  // One page of the most the API gives: a user keeps a handful of views of a list.
  list: (entity: string) => unwrap(api.GET('/api/v1/views', { params: { query: { entity, limit: 500 } } })).then((page) => page.data),
  create: (body: components['schemas']['CreateViewBody']) => unwrap(api.POST('/api/v1/views', { body })),
  update: (id: string, body: ViewChanges) => unwrap(api.PATCH('/api/v1/views/{id}', { params: { path: { id } }, body })),
  remove: (id: string) => unwrap(api.DELETE('/api/v1/views/{id}', { params: { path: { id } } })),
};

/**
 * The view a list shows: the one the URL names, else (no `?view=`) the user's default, else none.
 * A view the URL names that no longer exists shows the list as it comes.
 */
export function activeView(views: readonly View[], param: string | null): View | null {
  if (param === null) return views.find((view) => view.isDefault) ?? null;
  return views.find((view) => view.id === param) ?? null;
}

/** Whether the user may change or delete a view: their own, or one a colleague shared for views:manage-shared (managers and above). */
export function mayChangeView(view: Pick<View, 'userId'>, userId: string | undefined, canManageShared: boolean): boolean {
  return view.userId === userId || canManageShared;
}

/** The user's own views apart from those colleagues shared, each in the API's order (by name). */
export function groupViews(views: readonly View[], userId: string | undefined): { own: View[]; shared: View[] } {
  return { own: views.filter((view) => view.userId === userId), shared: views.filter((view) => view.userId !== userId) };
}

/** The columns shown, in order: the chosen ones the list still has, or every column when there is no choice. */
export function shownColumns(columnIds: readonly string[], chosen: readonly string[] | null): string[] {
  if (!chosen) return [...columnIds];
  return chosen.filter((id) => columnIds.includes(id));
}

/** Shows a hidden column (at the end) or hides a shown one; the last shown column stays (a view keeps at least one). */
export function toggleColumn(shown: readonly string[], id: string): string[] {
  if (!shown.includes(id)) return [...shown, id];
  return shown.length > 1 ? shown.filter((candidate) => candidate !== id) : [...shown];
}

/** Moves a shown column one place earlier (-1) or later (+1); at either end it stays. */
export function moveColumn(shown: readonly string[], id: string, step: -1 | 1): string[] {
  const from = shown.indexOf(id);
  const to = from + step;
  if (from < 0 || to < 0 || to >= shown.length) return [...shown];
  const moved = [...shown];
  [moved[from], moved[to]] = [moved[to]!, moved[from]!];
  return moved;
}

/**
 * A list's state as a view stores it: the page's filters and the search as the list's query
 * parameters, absent and empty ones dropped (the API keeps only what it would send).
 */
export function viewFilters(filters: Record<string, unknown>, q: string): Record<string, unknown> {
  const present = Object.entries({ ...filters, q: q.trim() }).filter(
    ([, value]) => value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0),
  );
  return Object.fromEntries(present);
}

/** The page's filters as the URL keeps them (`?filters=`: a view's form, as JSON); null when there are none. */
export function filtersParam(filters: Record<string, unknown>): string | null {
  const present = viewFilters(filters, '');
  return Object.keys(present).length ? JSON.stringify(present) : null;
}

/** `?filters=` back into the page's filters; null when absent or not a JSON object (a mangled link opens the view as saved). */
export function filtersOfParam(param: string | null): Record<string, unknown> | null {
  if (!param) return null;
  try {
    const parsed: unknown = JSON.parse(param);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A view's filters split back into the page's own and the search. */
export function splitViewFilters(filters: Record<string, unknown>): { filters: Record<string, unknown>; q: string } {
  const { q, ...rest } = filters;
  return { filters: rest, q: typeof q === 'string' ? q : '' };
}
