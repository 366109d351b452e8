import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { defineOperation, type OperationError } from '../operation.js';
import { ReportFreshness, ReportPeriodQuery } from './reports.js';

// The standard reports of issue 13 beyond pipeline, forecast and win rate (docs/reporting.md).

export const LIFECYCLE_FUNNEL_STAGES = ['subscriber', 'lead', 'marketing_qualified', 'sales_qualified', 'opportunity', 'customer', 'evangelist'] as const;
export type LifecycleFunnelStage = (typeof LIFECYCLE_FUNNEL_STAGES)[number];

export const FUNNEL_KINDS = ['ordered', 'any'] as const;
export type FunnelKind = (typeof FUNNEL_KINDS)[number];

export const REPORT_INTERVALS = ['month', 'quarter'] as const;
export type ReportInterval = (typeof REPORT_INTERVALS)[number];

export class LeadConversionQuery extends ReportPeriodQuery {
  @ApiPropertyOptional({
    enum: FUNNEL_KINDS,
    default: 'ordered',
    description: 'ordered: a contact counts at a stage if it entered every stage from firstStage up to it, in that order; any: if it ever entered that stage.',
  })
  @IsOptional()
  @IsIn(FUNNEL_KINDS)
  kind?: FunnelKind;

  @ApiPropertyOptional({ enum: LIFECYCLE_FUNNEL_STAGES, default: 'lead', description: 'The funnel runs from this lifecycle stage to evangelist.' })
  @IsOptional()
  @IsIn(LIFECYCLE_FUNNEL_STAGES)
  firstStage?: LifecycleFunnelStage;
}

export class PeriodicReportQuery extends ReportPeriodQuery {
  @ApiPropertyOptional({ enum: REPORT_INTERVALS, default: 'month' })
  @IsOptional()
  @IsIn(REPORT_INTERVALS)
  interval?: ReportInterval;
}

export class ActivityQuery extends ReportPeriodQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Deals won and lost in this pipeline only.' })
  @IsOptional()
  @IsUUID('all')
  pipelineId?: string;
}

export class LeadConversionStep {
  @ApiProperty({ enum: LIFECYCLE_FUNNEL_STAGES }) stage!: LifecycleFunnelStage;
  @ApiProperty({ type: 'integer' }) count!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'count / the previous step’s count, 0–1; null for the first step or after an empty one.' })
  stepConversion!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'count / the first step’s count, 0–1; null when the first step is empty.' }) cumulativeConversion!:
    number | null;
}

export class LeadConversionReport extends ReportFreshness {
  @ApiProperty({ enum: FUNNEL_KINDS }) kind!: FunnelKind;
  @ApiProperty({ type: [LeadConversionStep] }) data!: LeadConversionStep[];
}

export class RevenueRow {
  @ApiProperty({ example: '2026-12', description: '"2026-12" by month, "2026-Q4" by quarter.' }) period!: string;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ type: 'integer', description: 'Σ total of the invoices issued (finalized) in the period and not voided, minor units.' }) invoiced!: number;
  @ApiProperty({
    type: 'integer',
    description:
      'Σ payments received in the period less Σ refunds made in the period (a credit note’s refund among them), minor units; negative when more was refunded than received.',
  })
  paid!: number;
  @ApiProperty({
    type: 'integer',
    description: 'Σ credit notes issued in the period, minor units (their refunded part is also taken off paid, in the refund’s period).',
  })
  credited!: number;
}

export class RevenueReport extends ReportFreshness {
  @ApiProperty({ type: [RevenueRow] }) data!: RevenueRow[];
}

export class ActivityRow {
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty({ type: 'integer', description: 'Tasks assigned to the user completed in the period.' }) tasksCompleted!: number;
  @ApiProperty({ type: 'integer', description: 'Notes the user wrote in the period.' }) notesCreated!: number;
  @ApiProperty({ type: 'integer', description: 'Emails sent in the period to contacts the user owns.' }) emailsSent!: number;
  @ApiProperty({ type: 'integer', description: 'Deals the user owns won in the period.' }) dealsWon!: number;
  @ApiProperty({ type: 'integer', description: 'Deals the user owns lost in the period.' }) dealsLost!: number;
}

export class ActivityReport extends ReportFreshness {
  @ApiProperty({ type: [ActivityRow] }) data!: ActivityRow[];
}

export class AcquisitionRow {
  @ApiProperty({ type: String, nullable: true, description: 'The contact’s lead source; null when none was recorded.' }) leadSource!: string | null;
  @ApiProperty({ example: '2026-12' }) period!: string;
  @ApiProperty({ type: 'integer', description: 'Contacts whose customerSince falls in the period.' }) newCustomers!: number;
}

export class AcquisitionReport extends ReportFreshness {
  @ApiProperty({ type: [AcquisitionRow] }) data!: AcquisitionRow[];
}

export class DealVelocityRow {
  @ApiProperty({ format: 'uuid' }) pipelineId!: string;
  @ApiProperty({ format: 'uuid' }) stageId!: string;
  @ApiProperty({ type: String, nullable: true, description: 'null for a stage reporting has not heard of.' }) stageName!: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) position!: number | null;
  @ApiProperty({ type: 'integer', description: 'Stays in the stage that ended (the deal moved on) and began in the period.' }) deals!: number;
  @ApiProperty({ type: Number, description: 'Mean days of those stays, 2 decimals.' }) averageDays!: number;
}

export class DealVelocityReport extends ReportFreshness {
  @ApiProperty({ type: [DealVelocityRow] }) data!: DealVelocityRow[];
}

const BAD_PERIOD: OperationError[] = [{ status: 422, description: 'from is after to (details name from).' }];
const SCOPE = 'Members get their own records only.';

export const GetLeadConversionReport = defineOperation({
  pattern: 'reporting.reports.lead-conversion',
  summary: 'Lead conversion funnel',
  description: `Contacts per lifecycle stage from firstStage to evangelist, with step and cumulative conversion; kind=ordered (every stage in order) or any (reached the stage). from/to filter on the contact’s creation date, ownerId on its owner. ${SCOPE}`,
  permission: 'reports:read',
  route: { method: 'GET', path: 'reports/lead-conversion', status: 200 },
  input: LeadConversionQuery,
  output: LeadConversionReport,
  errors: BAD_PERIOD,
});

export const GetRevenueReport = defineOperation({
  pattern: 'reporting.reports.revenue',
  summary: 'Revenue report',
  description: `Invoiced (by issue date, voided invoices left out), paid net of refunds (payments by payment date less refunds by refund date) and credited (credit notes by issue time) per month or quarter and currency, never summed across currencies. ownerId: invoices of that owner’s deals. ${SCOPE}`,
  permission: 'reports:read',
  route: { method: 'GET', path: 'reports/revenue', status: 200 },
  input: PeriodicReportQuery,
  output: RevenueReport,
  errors: BAD_PERIOD,
});

export const GetActivityReport = defineOperation({
  pattern: 'reporting.reports.activity',
  summary: 'Activity per user',
  description: `Per user, in from/to: tasks completed (assignee), notes written (author), emails sent to contacts they own, deals won and lost (owner; pipelineId narrows these). ownerId: that user’s row only. ${SCOPE}`,
  permission: 'reports:read',
  route: { method: 'GET', path: 'reports/activity', status: 200 },
  input: ActivityQuery,
  output: ActivityReport,
  errors: BAD_PERIOD,
});

export const GetAcquisitionReport = defineOperation({
  pattern: 'reporting.reports.acquisition',
  summary: 'Acquisition report',
  description: `New customers (contacts by their customerSince date) per lead source and month or quarter. ownerId: the contact’s owner. ${SCOPE}`,
  permission: 'reports:read',
  route: { method: 'GET', path: 'reports/acquisition', status: 200 },
  input: PeriodicReportQuery,
  output: AcquisitionReport,
  errors: BAD_PERIOD,
});

export const GetDealVelocityReport = defineOperation({
  pattern: 'reporting.reports.deal-velocity',
  summary: 'Deal velocity',
  description: `Mean days deals stayed in each stage, over the stays that ended and began in from/to; ownerId and pipelineId filter the deals. ${SCOPE}`,
  permission: 'reports:read',
  route: { method: 'GET', path: 'reports/deal-velocity', status: 200 },
  input: ActivityQuery,
  output: DealVelocityReport,
  errors: BAD_PERIOD,
});

export const STANDARD_REPORT_OPERATIONS = [GetLeadConversionReport, GetRevenueReport, GetActivityReport, GetAcquisitionReport, GetDealVelocityReport] as const;
