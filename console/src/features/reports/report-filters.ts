/** The filters a standard report takes (docs: /reports/*), as the page holds them. */
export interface ReportFilters {
  from: string;
  to: string;
  interval: 'month' | 'quarter';
  kind: 'ordered' | 'any';
}

export const REPORT_SLUGS = ['pipeline', 'forecast', 'win-rate', 'lead-conversion', 'revenue', 'activity', 'acquisition', 'deal-velocity'] as const;
export type ReportSlug = (typeof REPORT_SLUGS)[number];

const WITH_INTERVAL: ReadonlySet<ReportSlug> = new Set(['forecast', 'revenue', 'acquisition']);

export function takesInterval(slug: ReportSlug): boolean {
  return WITH_INTERVAL.has(slug);
}

/** The query of a report's request: only the filters it reads, and none left empty. */
export function reportQuery(slug: ReportSlug, filters: ReportFilters): Record<string, string> {
  const query: Record<string, string> = {};
  if (filters.from) query.from = filters.from;
  if (filters.to) query.to = filters.to;
  if (takesInterval(slug)) query.interval = filters.interval;
  if (slug === 'lead-conversion') query.kind = filters.kind;
  return query;
}

/** The report as a file (csv, xlsx, pdf) with the same filters, for the authenticated download. */
export function exportPath(slug: ReportSlug, filters: ReportFilters, format: 'csv' | 'xlsx' | 'pdf'): string {
  return `/api/v1/reports/${slug}?${new URLSearchParams({ ...reportQuery(slug, filters), format }).toString()}`;
}
