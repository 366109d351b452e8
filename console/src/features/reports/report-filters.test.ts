import { describe, expect, it } from 'vitest';
import { exportPath, reportQuery, type ReportFilters } from './report-filters';

const filters: ReportFilters = { from: '2026-01-01', to: '', interval: 'quarter', kind: 'any' };

describe('standard report filters', () => {
  it('sends only the filters a report reads, and no empty one', () => {
    expect(reportQuery('pipeline', filters)).toEqual({ from: '2026-01-01' });
    expect(reportQuery('forecast', filters)).toEqual({ from: '2026-01-01', interval: 'quarter' });
    expect(reportQuery('lead-conversion', filters)).toEqual({ from: '2026-01-01', kind: 'any' });
  });

  it('exports the report as shown, in the chosen format', () => {
    expect(exportPath('revenue', { ...filters, to: '2026-06-30' }, 'xlsx')).toBe(
      '/api/v1/reports/revenue?from=2026-01-01&to=2026-06-30&interval=quarter&format=xlsx',
    );
  });
});
