import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';

export const REPORT_FORMATS = ['json', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const FORECAST_INTERVALS = ['month', 'quarter'] as const;
export type ForecastInterval = (typeof FORECAST_INTERVALS)[number];

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** The filters every standard report takes; `from` and `to` are UTC dates, both included. */
export class ReportQueryDto {
  @IsOptional()
  @Matches(DATE, { message: 'must be a date (YYYY-MM-DD)' })
  from?: string;

  @IsOptional()
  @Matches(DATE, { message: 'must be a date (YYYY-MM-DD)' })
  to?: string;

  @IsOptional()
  @IsUUID('all')
  ownerId?: string;

  @IsOptional()
  @IsUUID('all')
  pipelineId?: string;

  @IsOptional()
  @IsIn(REPORT_FORMATS)
  format?: ReportFormat;
}

export class ForecastQueryDto extends ReportQueryDto {
  @IsOptional()
  @IsIn(FORECAST_INTERVALS)
  interval?: ForecastInterval;
}
