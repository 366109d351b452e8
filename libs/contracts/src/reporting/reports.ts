import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { IsCalendarDate } from '../fields.js';
import { defineOperation } from '../operation.js';

export const REPORT_FORMATS = ['json', 'csv', 'xlsx', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const FORECAST_INTERVALS = ['month', 'quarter'] as const;
export type ForecastInterval = (typeof FORECAST_INTERVALS)[number];

export const FORECAST_CATEGORIES = ['pipeline', 'best_case', 'commit', 'closed_won'] as const;
export type ForecastCategory = (typeof FORECAST_CATEGORIES)[number];

/** The filters of every standard report. `format=csv|xlsx|pdf` is rendered by the gateway from the same rows. */
export class ReportPeriodQuery {
  @ApiPropertyOptional({ format: 'date', description: 'UTC date, included. What it filters is said per report.' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ format: 'date', description: 'UTC date, included; not before from (422 naming from).' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Records of this owner only (which owner is said per report). Members get their own records only (403 for another owner).',
  })
  @IsOptional()
  @IsUUID('all')
  ownerId?: string;

  @ApiPropertyOptional({ enum: REPORT_FORMATS, default: 'json', description: 'csv, xlsx: the rows as a file; pdf: the rows as a table under a chart.' })
  @IsOptional()
  @IsIn(REPORT_FORMATS)
  format?: ReportFormat;
}

/** The filters of the deal reports: those of every report and a pipeline. */
export class ReportQuery extends ReportPeriodQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  pipelineId?: string;
}

export class ForecastQuery extends ReportQuery {
  @ApiPropertyOptional({ enum: FORECAST_INTERVALS, default: 'month' })
  @IsOptional()
  @IsIn(FORECAST_INTERVALS)
  interval?: ForecastInterval;
}

/** How fresh an answer is (docs/reporting.md "Freshness"). */
export class ReportFreshness {
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the newest event the report’s read models applied happened; null before any.',
  })
  asOf!: string | null;

  @ApiProperty({ type: 'integer', nullable: true, description: '0 when the read models have applied every published event; else how far behind (ms).' })
  lagMs!: number | null;
}

export class PipelineReportRow {
  @ApiProperty({ format: 'uuid' }) pipelineId!: string;
  @ApiProperty({ format: 'uuid' }) stageId!: string;
  @ApiProperty({ type: String, nullable: true, description: 'null for a stage reporting has not heard of.' }) stageName!: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) position!: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) probability!: number | null;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ type: 'integer' }) count!: number;
  @ApiProperty({ type: 'integer', description: 'Minor units.' }) amount!: number;
  @ApiProperty({ type: 'integer', description: 'Σ amount × probability / 100, rounded.' }) weightedAmount!: number;
}

export class PipelineReport extends ReportFreshness {
  @ApiProperty({ type: [PipelineReportRow] }) data!: PipelineReportRow[];
}

export class ForecastReportRow {
  @ApiProperty({ example: '2026-12', description: '"2026-12" by month, "2026-Q4" by quarter.' }) period!: string;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ enum: FORECAST_CATEGORIES }) category!: ForecastCategory;
  @ApiProperty({ type: 'integer' }) count!: number;
  @ApiProperty({ type: 'integer' }) amount!: number;
  @ApiProperty({ type: 'integer' }) weightedAmount!: number;
}

export class ForecastReport extends ReportFreshness {
  @ApiProperty({ type: [ForecastReportRow] }) data!: ForecastReportRow[];
}

export class WinRateByCurrency {
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ type: 'integer' }) won!: number;
  @ApiProperty({ type: 'integer' }) lost!: number;
  @ApiProperty({ type: Number, nullable: true }) winRate!: number | null;
  @ApiProperty({ type: 'integer' }) wonAmount!: number;
  @ApiProperty({ type: 'integer' }) lostAmount!: number;
  @ApiProperty({ type: 'integer', nullable: true }) averageWonAmount!: number | null;
}

export class WinRateReport extends ReportFreshness {
  @ApiProperty({ type: 'integer' }) won!: number;
  @ApiProperty({ type: 'integer' }) lost!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'won / (won + lost), 0–1; null when none closed.' }) winRate!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Mean days from creation to close of the won deals, 2 decimals.' }) averageCycleDays!:
    number | null;
  @ApiProperty({ type: [WinRateByCurrency] }) byCurrency!: WinRateByCurrency[];
}

const FILTERS =
  'Filters: from/to (UTC dates, both included), ownerId, pipelineId; members get their own deals only. Amounts per currency, never summed across currencies.';

export const GetPipelineReport = defineOperation({
  pattern: 'reporting.reports.pipeline',
  summary: 'Pipeline report',
  description: `Open deals per pipeline, stage and currency: count, amount, weighted amount. from/to filter on the creation date. ${FILTERS}`,
  permission: 'reports:read',
  route: { method: 'GET', path: 'reports/pipeline', status: 200 },
  input: ReportQuery,
  output: PipelineReport,
  errors: [{ status: 422, description: 'from is after to (details name from).' }],
});

export const GetForecastReport = defineOperation({
  pattern: 'reporting.reports.forecast',
  summary: 'Forecast report',
  description: `Open and won deals by expected close month or quarter, currency and forecast category, weighted and unweighted. from/to filter on the expected close date. ${FILTERS}`,
  permission: 'reports:read',
  route: { method: 'GET', path: 'reports/forecast', status: 200 },
  input: ForecastQuery,
  output: ForecastReport,
  errors: [{ status: 422, description: 'from is after to (details name from).' }],
});

export const GetWinRateReport = defineOperation({
  pattern: 'reporting.reports.win-rate',
  summary: 'Win-rate report',
  description: `Deals won and lost with a close date in from/to: counts, rate, average cycle days, amounts per currency. CSV: one row per currency. ${FILTERS}`,
  permission: 'reports:read',
  route: { method: 'GET', path: 'reports/win-rate', status: 200 },
  input: ReportQuery,
  output: WinRateReport,
  errors: [{ status: 422, description: 'from is after to (details name from).' }],
});

export const REPORT_OPERATIONS = [GetPipelineReport, GetForecastReport, GetWinRateReport] as const;
