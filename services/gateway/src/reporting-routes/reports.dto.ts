import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export class ReportQuery {
  @ApiPropertyOptional({ format: 'date', description: 'UTC date, included. What it filters is said per report.' })
  @IsOptional()
  @Matches(DATE, { message: 'must be a date (YYYY-MM-DD)' })
  from?: string;

  @ApiPropertyOptional({ format: 'date', description: 'UTC date, included; not before from (422 naming from).' })
  @IsOptional()
  @Matches(DATE, { message: 'must be a date (YYYY-MM-DD)' })
  to?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Deals of this owner only. Members get their own deals only (403 for another owner).' })
  @IsOptional()
  @IsUUID('all')
  ownerId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  pipelineId?: string;

  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

export class ForecastQuery extends ReportQuery {
  @ApiPropertyOptional({ enum: ['month', 'quarter'], default: 'month' })
  @IsOptional()
  @IsIn(['month', 'quarter'])
  interval?: 'month' | 'quarter';
}

class Freshness {
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the newest event the report’s read models applied happened.' })
  asOf!: string | null;

  @ApiProperty({ type: 'integer', nullable: true, description: '0 when the read models have applied every event; else how far behind (ms).' })
  lagMs!: number | null;
}

export class PipelineReportRow {
  @ApiProperty({ format: 'uuid' }) pipelineId!: string;
  @ApiProperty({ format: 'uuid' }) stageId!: string;
  @ApiProperty({ type: String, nullable: true }) stageName!: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) position!: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) probability!: number | null;
  @ApiProperty() currency!: string;
  @ApiProperty({ type: 'integer' }) count!: number;
  @ApiProperty({ type: 'integer', description: 'Minor units.' }) amount!: number;
  @ApiProperty({ type: 'integer', description: 'Σ amount × probability / 100, rounded.' }) weightedAmount!: number;
}

export class PipelineReportResponse extends Freshness {
  @ApiProperty({ type: [PipelineReportRow] }) data!: PipelineReportRow[];
}

export class ForecastReportRow {
  @ApiProperty({ example: '2026-12', description: '"2026-12" by month, "2026-Q4" by quarter.' }) period!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ enum: ['pipeline', 'best_case', 'commit', 'closed_won'] }) category!: string;
  @ApiProperty({ type: 'integer' }) count!: number;
  @ApiProperty({ type: 'integer' }) amount!: number;
  @ApiProperty({ type: 'integer' }) weightedAmount!: number;
}

export class ForecastReportResponse extends Freshness {
  @ApiProperty({ type: [ForecastReportRow] }) data!: ForecastReportRow[];
}

export class WinRateByCurrency {
  @ApiProperty() currency!: string;
  @ApiProperty({ type: 'integer' }) won!: number;
  @ApiProperty({ type: 'integer' }) lost!: number;
  @ApiProperty({ type: Number, nullable: true }) winRate!: number | null;
  @ApiProperty({ type: 'integer' }) wonAmount!: number;
  @ApiProperty({ type: 'integer' }) lostAmount!: number;
  @ApiProperty({ type: 'integer', nullable: true }) averageWonAmount!: number | null;
}

export class WinRateReportResponse extends Freshness {
  @ApiProperty({ type: 'integer' }) won!: number;
  @ApiProperty({ type: 'integer' }) lost!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'won / (won + lost), 0–1; null when none closed.' }) winRate!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Mean days from creation to close of the won deals.' }) averageCycleDays!: number | null;
  @ApiProperty({ type: [WinRateByCurrency] }) byCurrency!: WinRateByCurrency[];
}
