import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { permissionOf, type AnyOperation } from '@kinship/contracts';
import {
  ActivityQuery,
  ForecastQuery,
  GetAcquisitionReport,
  GetActivityReport,
  GetDealVelocityReport,
  GetForecastReport,
  GetLeadConversionReport,
  GetPipelineReport,
  GetRevenueReport,
  GetWinRateReport,
  LeadConversionQuery,
  PeriodicReportQuery,
  ReportQuery,
  type ReportFormat,
} from '@kinship/contracts/reporting';
import { callOperation, ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import type { FastifyReply } from 'fastify';
import { RequirePermission } from '../access/route-access.js';
import { Caller } from '../http/caller-context.js';
import { ErrorResponse } from '../http/error-response.dto.js';
import { reportFile, type ReportTable } from './report-file.js';

/** The route, permission and OpenAPI text of a report, from its contract. */
function ReportRoute(operation: AnyOperation): MethodDecorator {
  return (target, key, descriptor) => {
    for (const decorate of [
      Get(operation.route!.path),
      RequirePermission(permissionOf(operation)),
      ApiOperation({ operationId: operation.pattern, summary: operation.summary, description: operation.description }),
      ApiOkResponse({ type: operation.output }),
      ApiProduces('application/json', 'text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/pdf'),
      ...operation.errors.map((error) => ApiResponse({ status: error.status, description: error.description, type: ErrorResponse })),
    ]) {
      decorate(target, key, descriptor);
    }
  };
}

/**
 * The standard reports, bound to their contracts (@kinship/contracts/reporting). Not a
 * contractController: `format=csv|xlsx|pdf` answers a file, rendered here from the contract's
 * rows, which the generic controller (JSON replies only) cannot send.
 */
@ApiTags('reports')
@Controller()
export class ReportsController {
  constructor(private readonly services: ServiceClient) {}

  @ReportRoute(GetPipelineReport)
  async pipeline(
    @Query() query: ReportQuery,
    @Caller() caller: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<object | string | Buffer> {
    const report = await callOperation(this.services, GetPipelineReport, query, caller);
    return answer(reply, query.format, report, {
      name: 'pipeline',
      title: 'Pipeline: open deals per stage',
      columns: ['pipelineId', 'stageId', 'stageName', 'position', 'probability', 'currency', 'count', 'amount', 'weightedAmount'],
      rows: report.data,
      chart: { label: ['stageName', 'currency'], value: 'amount' },
    });
  }

  @ReportRoute(GetForecastReport)
  async forecast(
    @Query() query: ForecastQuery,
    @Caller() caller: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<object | string | Buffer> {
    const report = await callOperation(this.services, GetForecastReport, query, caller);
    return answer(reply, query.format, report, {
      name: 'forecast',
      title: 'Forecast by expected close period',
      columns: ['period', 'currency', 'category', 'count', 'amount', 'weightedAmount'],
      rows: report.data,
      chart: { label: ['period', 'currency', 'category'], value: 'weightedAmount' },
    });
  }

  @ReportRoute(GetWinRateReport)
  async winRate(
    @Query() query: ReportQuery,
    @Caller() caller: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<object | string | Buffer> {
    const report = await callOperation(this.services, GetWinRateReport, query, caller);
    return answer(reply, query.format, report, {
      name: 'win-rate',
      title: 'Win rate per currency',
      columns: ['currency', 'won', 'lost', 'winRate', 'wonAmount', 'lostAmount', 'averageWonAmount'],
      rows: report.byCurrency,
      chart: { label: ['currency'], value: 'winRate' },
    });
  }

  @ReportRoute(GetLeadConversionReport)
  async leadConversion(
    @Query() query: LeadConversionQuery,
    @Caller() caller: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<object | string | Buffer> {
    const report = await callOperation(this.services, GetLeadConversionReport, query, caller);
    return answer(reply, query.format, report, {
      name: 'lead-conversion',
      title: `Lead conversion funnel (${report.kind})`,
      columns: ['stage', 'count', 'stepConversion', 'cumulativeConversion'],
      rows: report.data,
      chart: { label: ['stage'], value: 'count' },
    });
  }

  @ReportRoute(GetRevenueReport)
  async revenue(
    @Query() query: PeriodicReportQuery,
    @Caller() caller: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<object | string | Buffer> {
    const report = await callOperation(this.services, GetRevenueReport, query, caller);
    return answer(reply, query.format, report, {
      name: 'revenue',
      title: 'Revenue: invoiced, paid and credited',
      columns: ['period', 'currency', 'invoiced', 'paid', 'credited'],
      rows: report.data,
      chart: { label: ['period', 'currency'], value: 'invoiced' },
    });
  }

  @ReportRoute(GetActivityReport)
  async activity(
    @Query() query: ActivityQuery,
    @Caller() caller: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<object | string | Buffer> {
    const report = await callOperation(this.services, GetActivityReport, query, caller);
    return answer(reply, query.format, report, {
      name: 'activity',
      title: 'Activity per user',
      columns: ['userId', 'tasksCompleted', 'notesCreated', 'emailsSent', 'dealsWon', 'dealsLost'],
      rows: report.data,
      chart: { label: ['userId'], value: 'tasksCompleted' },
    });
  }

  @ReportRoute(GetAcquisitionReport)
  async acquisition(
    @Query() query: PeriodicReportQuery,
    @Caller() caller: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<object | string | Buffer> {
    const report = await callOperation(this.services, GetAcquisitionReport, query, caller);
    return answer(reply, query.format, report, {
      name: 'acquisition',
      title: 'New customers by lead source',
      columns: ['period', 'leadSource', 'newCustomers'],
      rows: report.data,
      chart: { label: ['period', 'leadSource'], value: 'newCustomers' },
    });
  }

  @ReportRoute(GetDealVelocityReport)
  async dealVelocity(
    @Query() query: ActivityQuery,
    @Caller() caller: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<object | string | Buffer> {
    const report = await callOperation(this.services, GetDealVelocityReport, query, caller);
    return answer(reply, query.format, report, {
      name: 'deal-velocity',
      title: 'Deal velocity: average days per stage',
      columns: ['pipelineId', 'stageId', 'stageName', 'position', 'deals', 'averageDays'],
      rows: report.data,
      chart: { label: ['stageName'], value: 'averageDays' },
    });
  }
}

/** The JSON answer, or its rows as the file `format` asks for (an attachment). */
async function answer<Row extends object>(
  reply: FastifyReply,
  format: ReportFormat | undefined,
  report: object,
  table: ReportTable<Row>,
): Promise<object | string | Buffer> {
  if (format === undefined || format === 'json') return report;
  const file = await reportFile(format, table);
  void reply.header('Content-Type', file.contentType);
  // Our own fixed names: plain ASCII, nothing to escape.
  void reply.header('Content-Disposition', `attachment; filename="${file.fileName}"`);
  return file.body;
}
