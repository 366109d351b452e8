import { describe, expect, it } from 'vitest';
import { exportPath, reportQuery, type ReportFilters } from './report-filters';

const filters: ReportFilters = { from: '2026-01-01', to: '', interval: 'quarter', kind: 'any', ownerId: '', pipelineId: '' };
const OWNER = '0b0e6f3c-5a51-4f6e-9a3e-8d0f7b1c2d3e';
const PIPELINE = '7f1c2d3e-0b0e-4f6e-9a3e-5a518d0f7b1c';

describe('standard report filters', () => {
  it('sends only the filters a report reads, and no empty one', () => {
    expect(reportQuery('pipeline', filters)).toEqual({ from: '2026-01-01' });
    expect(reportQuery('forecast', filters)).toEqual({ from: '2026-01-01', interval: 'quarter' });
    expect(reportQuery('lead-conversion', filters)).toEqual({ from: '2026-01-01', kind: 'any' });
  });

  it('narrows every report to an owner, and only the deal reports to a pipeline', () => {
    const narrowed = { ...filters, ownerId: OWNER, pipelineId: PIPELINE };
    expect(reportQuery('win-rate', narrowed)).toEqual({ from: '2026-01-01', ownerId: OWNER, pipelineId: PIPELINE });
    expect(reportQuery('deal-velocity', narrowed)).toEqual({ from: '2026-01-01', ownerId: OWNER, pipelineId: PIPELINE });
    expect(reportQuery('revenue', narrowed)).toEqual({ from: '2026-01-01', interval: 'quarter', ownerId: OWNER });
    expect(reportQuery('acquisition', narrowed)).toEqual({ from: '2026-01-01', interval: 'quarter', ownerId: OWNER });
  });

  it('exports the report as shown, in the chosen format', () => {
    expect(exportPath('revenue', { ...filters, to: '2026-06-30' }, 'xlsx')).toBe(
      '/api/v1/reports/revenue?from=2026-01-01&to=2026-06-30&interval=quarter&format=xlsx',
    );
  });
});
