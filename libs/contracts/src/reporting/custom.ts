import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { OBJECT_KEY } from '../access.js';
import { defineOperation } from '../operation.js';
import { ReportFreshness } from './reports.js';

/**
 * The read models a custom report can query (records: of the custom object named by `object`).
 * companies, invoices and payments join this list when reporting projects them
 * (reporting.companies, reporting.invoices, reporting.payments).
 */
export const CUSTOM_REPORT_ENTITIES = ['deals', 'contacts', 'tasks', 'records'] as const;
export type CustomReportEntity = (typeof CUSTOM_REPORT_ENTITIES)[number];

export const MEASURE_FUNCTIONS = ['count', 'sum', 'avg', 'min', 'max', 'count_distinct'] as const;
export type MeasureFunction = (typeof MEASURE_FUNCTIONS)[number];

export const DIMENSION_INTERVALS = ['day', 'week', 'month', 'quarter', 'year'] as const;
export type DimensionInterval = (typeof DIMENSION_INTERVALS)[number];

export const FILTER_OPERATORS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'not_in', 'contains', 'is_null', 'is_not_null'] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

export const SORT_DIRECTIONS = ['asc', 'desc'] as const;

/** At most this many groups (rows) in an answer; more set `truncated`. */
export const CUSTOM_REPORT_GROUP_CAP = 100;
export const CUSTOM_REPORT_DIMENSIONS_MAX = 3;
const MEASURES_MAX = 10;
const FILTERS_MAX = 20;
const FIELD_MAX = 100;

const FIELDS =
  'A field of the entity (deals: id, name, pipelineId, stageId, amount, currency, ownerId, companyId, expectedCloseDate, status, closedAt, lostReason, createdAt; ' +
  'contacts: id, lifecycleStage, leadSource, ownerId, companyId, customerSince, createdAt; tasks: id, assigneeId, status, priority, dueAt, completedAt, createdBy, ' +
  'relatedType, relatedId, createdAt; records: id, createdBy, createdAt), or a custom field as customFields.<key> (deals and contacts) or a ' +
  'custom object’s field as values.<key> (records), typed by the object: number and currency fields are measured (a currency field’s code is ' +
  'values.<key>.currency), date fields bucketed, select fields filtered by their options.';

export class ReportMeasure {
  @ApiProperty({ enum: MEASURE_FUNCTIONS }) @IsIn(MEASURE_FUNCTIONS) fn!: MeasureFunction;

  @ApiPropertyOptional({
    maxLength: FIELD_MAX,
    description: `${FIELDS} Optional for count (rows); sum and avg take numbers, amounts only per currency (currency, or a record’s values.<key>.currency, as a dimension or an eq filter).`,
  })
  @IsOptional()
  @IsString()
  @MaxLength(FIELD_MAX)
  field?: string;
}

export class ReportDimension {
  @ApiProperty({ maxLength: FIELD_MAX, description: FIELDS }) @IsString() @MaxLength(FIELD_MAX) field!: string;

  @ApiPropertyOptional({ enum: DIMENSION_INTERVALS, description: 'Buckets of a date or time field (default day); only for those.' })
  @IsOptional()
  @IsIn(DIMENSION_INTERVALS)
  interval?: DimensionInterval;
}

export class ReportFilter {
  @ApiProperty({ maxLength: FIELD_MAX, description: FIELDS }) @IsString() @MaxLength(FIELD_MAX) field!: string;
  @ApiProperty({ enum: FILTER_OPERATORS }) @IsIn(FILTER_OPERATORS) op!: FilterOperator;

  @ApiPropertyOptional({
    description:
      'A string, number or boolean as the field holds; an array of them for in and not_in; none for is_null and is_not_null. Dates YYYY-MM-DD, times ISO 8601.',
    oneOf: [
      { type: 'string' },
      { type: 'number' },
      { type: 'boolean' },
      { type: 'array', items: { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] } },
    ],
  })
  @IsOptional()
  value?: string | number | boolean | Array<string | number | boolean>;
}

export class ReportSort {
  @ApiProperty({ maxLength: 200, description: 'The key of a column of the answer, e.g. ownerId or sum(amount).' }) @IsString() @MaxLength(200) key!: string;
  @ApiPropertyOptional({ enum: SORT_DIRECTIONS, default: 'asc' }) @IsOptional() @IsIn(SORT_DIRECTIONS) direction?: (typeof SORT_DIRECTIONS)[number];
}

/** A custom report: what to count over which read model, grouped and filtered. */
export class CustomReportQuery {
  @ApiProperty({ enum: CUSTOM_REPORT_ENTITIES }) @IsIn(CUSTOM_REPORT_ENTITIES) entity!: CustomReportEntity;

  @ApiPropertyOptional({
    pattern: OBJECT_KEY.source,
    example: 'property',
    description: 'With entity records (and only then): the key of the custom object whose records are reported on; fields values.<key>.',
  })
  @IsOptional()
  @Matches(OBJECT_KEY, { message: 'object must be the key of a custom object (lowercase letters, digits and underscores)' })
  object?: string;

  @ApiProperty({ type: [ReportMeasure], minItems: 1, maxItems: MEASURES_MAX })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MEASURES_MAX)
  @ValidateNested({ each: true })
  @Type(() => ReportMeasure)
  measures!: ReportMeasure[];

  @ApiPropertyOptional({ type: [ReportDimension], maxItems: CUSTOM_REPORT_DIMENSIONS_MAX, description: 'Group by these, in this order; none: one row.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(CUSTOM_REPORT_DIMENSIONS_MAX)
  @ValidateNested({ each: true })
  @Type(() => ReportDimension)
  dimensions?: ReportDimension[];

  @ApiPropertyOptional({ type: [ReportFilter], maxItems: FILTERS_MAX, description: 'All must hold.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(FILTERS_MAX)
  @ValidateNested({ each: true })
  @Type(() => ReportFilter)
  filters?: ReportFilter[];

  @ApiPropertyOptional({ type: [ReportSort], maxItems: 4, description: 'Default: the dimensions, ascending.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(4)
  @ValidateNested({ each: true })
  @Type(() => ReportSort)
  sort?: ReportSort[];

  @ApiPropertyOptional({ minimum: 1, maximum: CUSTOM_REPORT_GROUP_CAP, default: CUSTOM_REPORT_GROUP_CAP })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(CUSTOM_REPORT_GROUP_CAP)
  limit?: number;
}

export const COLUMN_TYPES = ['uuid', 'text', 'integer', 'number', 'date', 'datetime', 'period', 'boolean'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export class ReportColumn {
  @ApiProperty({ example: 'sum(amount)', description: 'The dimension’s field, or fn(field) of a measure (count for count of rows).' }) key!: string;
  @ApiProperty({ example: 'Sum of amount' }) label!: string;
  @ApiProperty({ enum: COLUMN_TYPES, description: 'period: a bucket such as 2026-12, 2026-W49, 2026-Q4.' }) type!: ColumnType;
}

export type ReportCell = string | number | boolean | null;

const ROWS: ApiPropertyOptions = {
  type: 'array',
  items: { type: 'array', items: { anyOf: [{ type: 'string', nullable: true }, { type: 'number' }, { type: 'boolean' }] } },
  description: 'One row per group, cells in the order of the columns; amounts in minor units.',
};

/** A table: one row per group, cells in the order of the columns. */
export class ReportTable {
  @ApiProperty({ type: [ReportColumn] }) columns!: ReportColumn[];

  @ApiProperty(ROWS) rows!: ReportCell[][];

  @ApiProperty({ description: `More groups than the limit (at most ${CUSTOM_REPORT_GROUP_CAP}) matched; the rest are left out.` }) truncated!: boolean;
}

export class CustomReportResult extends ReportFreshness {
  @ApiProperty({ type: [ReportColumn] }) columns!: ReportColumn[];

  @ApiProperty(ROWS) rows!: ReportCell[][];

  @ApiProperty({ description: `More groups than the limit (at most ${CUSTOM_REPORT_GROUP_CAP}) matched; the rest are left out.` }) truncated!: boolean;
}

export const BAD_QUERY = {
  status: 422,
  description:
    'An unknown entity, measure, field, operator or interval, a filter value of the wrong type, a sum of amounts across currencies, more than 3 dimensions, or day buckets over more than 10 years (details name the part, e.g. measures.0.field).',
} as const;

export const RunCustomReport = defineOperation({
  pattern: 'reporting.custom.query',
  summary: 'Run a custom report',
  description:
    'Measures (count, sum, avg, min, max, count_distinct) of deals, contacts, tasks or a custom object’s records, grouped by up to 3 dimensions (dates in day, week, month, quarter or year buckets) and filtered; ' +
    `at most ${CUSTOM_REPORT_GROUP_CAP} groups (truncated: true when more). Members get their own records only (deals and contacts they own, tasks assigned to them, records they created).`,
  permission: 'reports:read',
  route: { method: 'POST', path: 'reports/query', status: 200 },
  input: CustomReportQuery,
  output: CustomReportResult,
  errors: [BAD_QUERY],
});

export const CUSTOM_REPORT_OPERATIONS = [RunCustomReport] as const;
