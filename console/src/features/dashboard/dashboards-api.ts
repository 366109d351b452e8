import type { components } from '../../api/schema';
import { api } from '../../lib/api';
import { unwrap } from '../../lib/api-error';

/** The read models follow events a moment later, so an open dashboard asks for its figures again this often. */
export const DASHBOARD_REFRESH_MS = 10_000;

export const dashboardsApi = {
  mine: () => unwrap(api.GET('/api/v1/dashboards/me')),
  list: () => unwrap(api.GET('/api/v1/dashboards')),
  get: (id: string) => unwrap(api.GET('/api/v1/dashboards/{id}', { params: { path: { id } } })),
  create: (body: components['schemas']['CreateDashboardBody']) => unwrap(api.POST('/api/v1/dashboards', { body })),
  update: (id: string, body: components['schemas']['UpdateDashboardBody']) => unwrap(api.PATCH('/api/v1/dashboards/{id}', { params: { path: { id } }, body })),
  remove: (id: string) => unwrap(api.DELETE('/api/v1/dashboards/{id}', { params: { path: { id } } })),
  savedReports: () => unwrap(api.GET('/api/v1/reports/saved')),
};
