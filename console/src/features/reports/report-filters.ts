/** The filters a standard report takes (docs: /reports/*), as the page holds them. */
export interface ReportFilters {
  from: string;
  to: string;
  interval: 'month' | 'quarter';
  kind: 'ordered' | 'any';
  /** A member's id, or '' for everyone the caller may see. */
  ownerId: string;
  /** A pipeline's id, or '' for all; read by the deal reports only. */
  pipelineId: string;
}

export const REPORT_SLUGS = ['pipeline', 'forecast', 'win-rate', 'lead-conversion', 'revenue', 'activity', 'acquisition', 'deal-velocity'] as const;
export type ReportSlug = (typeof REPORT_SLUGS)[number];

const WITH_INTERVAL: ReadonlySet<ReportSlug> = new Set(['forecast', 'revenue', 'acquisition']);

const WITH_PIPELINE: ReadonlySet<ReportSlug> = new Set(['pipeline', 'forecast', 'win-rate', 'activity', 'deal-velocity']);

export function takesInterval(slug: ReportSlug): boolean {
  return WITH_INTERVAL.has(slug);
}

export function takesPipeline(slug: ReportSlug): boolean {
  return WITH_PIPELINE.has(slug);
}

/** The query of a report's request: only the filters it reads, and none left empty. */
export function reportQuery(slug: ReportSlug, filters: ReportFilters): Record<string, string> {
  const query: Record<string, string> = {};
  if (filters.from) query.from = filters.from;
  if (filters.to) query.to = filters.to;
  if (takesInterval(slug)) query.interval = filters.interval;
  if (slug === 'lead-conversion') query.kind = filters.kind;
  if (filters.ownerId) query.ownerId = filters.ownerId;
  if (takesPipeline(slug) && filters.pipelineId) query.pipelineId = filters.pipelineId;
  return query;
}

/** The report as a file (csv, xlsx, pdf) with the same filters, for the authenticated download. */
export function exportPath(slug: ReportSlug, filters: ReportFilters, format: 'csv' | 'xlsx' | 'pdf'): string {
  return `/api/v1/reports/${slug}?${new URLSearchParams({ ...reportQuery(slug, filters), format }).toString()}`;
}
