import type { CustomReportQuery, WidgetKind } from '@kinship/contracts/reporting';
import type { ReportCaller } from '../reports/report-caller.js';

export type DashboardScope = 'workspace' | 'team' | 'own' | 'summary';

export interface RoleWidget {
  key: string;
  title: string;
  kind: Exclude<WidgetKind, 'saved_report'>;
  query: CustomReportQuery;
}

/** The first instant of the current UTC month, as a filter value. */
function monthStart(now: Date): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString();
}

/** Six months back from the start of the current UTC month. */
function sixMonthsAgo(now: Date): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 5, 1)).toISOString();
}

const OPEN_TASK = { field: 'status', op: 'in' as const, value: ['open', 'in_progress'] };

/** Which figures a caller's dashboard shows: owners, admins and API keys the workspace; managers the team; members their own; viewers a summary. */
export function dashboardScope(caller: ReportCaller): DashboardScope {
  switch (caller.role) {
    case 'manager':
      return 'team';
    case 'member':
      return 'own';
    case 'viewer':
      return 'summary';
    default:
      return 'workspace';
  }
}

/**
 * The widgets of each scope, as custom reports. A member's run through the same engine, which
 * confines them to the member's own records, so "own numbers only" holds by construction.
 */
export function roleWidgets(scope: DashboardScope, now: Date): RoleWidget[] {
  const openDeals = { field: 'status', op: 'eq' as const, value: 'open' };
  const wonThisMonth = [
    { field: 'status', op: 'eq' as const, value: 'won' },
    { field: 'closedAt', op: 'gte' as const, value: monthStart(now) },
  ];
  switch (scope) {
    case 'workspace':
      return [
        {
          key: 'open-pipeline',
          title: 'Open pipeline',
          kind: 'table',
          query: { entity: 'deals', measures: [{ fn: 'count' }, { fn: 'sum', field: 'amount' }], dimensions: [{ field: 'currency' }], filters: [openDeals] },
        },
        {
          key: 'won-this-month',
          title: 'Won this month',
          kind: 'table',
          query: { entity: 'deals', measures: [{ fn: 'count' }, { fn: 'sum', field: 'amount' }], dimensions: [{ field: 'currency' }], filters: wonThisMonth },
        },
        {
          key: 'new-contacts',
          title: 'New contacts by month',
          kind: 'table',
          query: {
            entity: 'contacts',
            measures: [{ fn: 'count' }],
            dimensions: [{ field: 'createdAt', interval: 'month' }],
            filters: [{ field: 'createdAt', op: 'gte', value: sixMonthsAgo(now) }],
          },
        },
        {
          key: 'open-tasks',
          title: 'Open tasks by status',
          kind: 'table',
          query: { entity: 'tasks', measures: [{ fn: 'count' }], dimensions: [{ field: 'status' }], filters: [OPEN_TASK] },
        },
      ];
    case 'team':
      return [
        {
          key: 'pipeline-by-owner',
          title: 'Open pipeline by owner',
          kind: 'table',
          query: {
            entity: 'deals',
            measures: [{ fn: 'count' }, { fn: 'sum', field: 'amount' }],
            dimensions: [{ field: 'ownerId' }, { field: 'currency' }],
            filters: [openDeals],
          },
        },
        {
          key: 'won-by-owner',
          title: 'Won this month by owner',
          kind: 'table',
          query: {
            entity: 'deals',
            measures: [{ fn: 'count' }, { fn: 'sum', field: 'amount' }],
            dimensions: [{ field: 'ownerId' }, { field: 'currency' }],
            filters: wonThisMonth,
          },
        },
        {
          key: 'open-tasks-by-assignee',
          title: 'Open tasks by assignee',
          kind: 'table',
          query: { entity: 'tasks', measures: [{ fn: 'count' }], dimensions: [{ field: 'assigneeId' }], filters: [OPEN_TASK] },
        },
      ];
    case 'own':
      return [
        {
          key: 'my-open-deals',
          title: 'My open deals',
          kind: 'table',
          query: { entity: 'deals', measures: [{ fn: 'count' }, { fn: 'sum', field: 'amount' }], dimensions: [{ field: 'currency' }], filters: [openDeals] },
        },
        {
          key: 'my-won-this-month',
          title: 'My deals won this month',
          kind: 'table',
          query: { entity: 'deals', measures: [{ fn: 'count' }, { fn: 'sum', field: 'amount' }], dimensions: [{ field: 'currency' }], filters: wonThisMonth },
        },
        { key: 'my-open-tasks', title: 'My open tasks', kind: 'metric', query: { entity: 'tasks', measures: [{ fn: 'count' }], filters: [OPEN_TASK] } },
      ];
    case 'summary':
      return [
        { key: 'open-deals', title: 'Open deals', kind: 'metric', query: { entity: 'deals', measures: [{ fn: 'count' }], filters: [openDeals] } },
        { key: 'contacts', title: 'Contacts', kind: 'metric', query: { entity: 'contacts', measures: [{ fn: 'count' }] } },
        { key: 'open-tasks', title: 'Open tasks', kind: 'metric', query: { entity: 'tasks', measures: [{ fn: 'count' }], filters: [OPEN_TASK] } },
      ];
  }
}
