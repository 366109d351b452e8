import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { permissionOf, type AnyOperation, type InputOf, type OutputOf } from '@kinship/contracts';
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
import { JSON_TYPE } from '../contract-routes/contract-controller.js';
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
  ): Promise<string | Buffer | undefined> {
    return this.answer(GetPipelineReport, query, caller, reply, (report) => ({
      name: 'pipeline',
      title: 'Pipeline: open deals per stage',
      columns: ['pipelineId', 'stageId', 'stageName', 'position', 'probability', 'currency', 'count', 'amount', 'weightedAmount'],
      rows: report.data,
      chart: { label: ['stageName', 'currency'], value: 'amount' },
    }));
  }

  @ReportRoute(GetForecastReport)
  async forecast(
    @Query() query: ForecastQuery,
    @Caller() caller: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | Buffer | undefined> {
    return this.answer(GetForecastReport, query, caller, reply, (report) => ({
      name: 'forecast',
      title: 'Forecast by expected close period',
      columns: ['period', 'currency', 'category', 'count', 'amount', 'weightedAmount'],
      rows: report.data,
      chart: { label: ['period', 'currency', 'category'], value: 'weightedAmount' },
    }));
  }

  @ReportRoute(GetWinRateReport)
  async winRate(
    @Query() query: ReportQuery,
    @Caller() caller: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | Buffer | undefined> {
    return this.answer(GetWinRateReport, query, caller, reply, (report) => ({
      name: 'win-rate',
      title: 'Win rate per currency',
      columns: ['currency', 'won', 'lost', 'winRate', 'wonAmount', 'lostAmount', 'averageWonAmount'],
      rows: report.byCurrency,
      chart: { label: ['currency'], value: 'winRate' },
    }));
  }

  @ReportRoute(GetLeadConversionReport)
  async leadConversion(
    @Query() query: LeadConversionQuery,
    @Caller() caller: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | Buffer | undefined> {
    return this.answer(GetLeadConversionReport, query, caller, reply, (report) => ({
      name: 'lead-conversion',
      title: `Lead conversion funnel (${report.kind})`,
      columns: ['stage', 'count', 'stepConversion', 'cumulativeConversion'],
      rows: report.data,
      chart: { label: ['stage'], value: 'count' },
    }));
  }

  @ReportRoute(GetRevenueReport)
  async revenue(
    @Query() query: PeriodicReportQuery,
    @Caller() caller: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | Buffer | undefined> {
    return this.answer(GetRevenueReport, query, caller, reply, (report) => ({
      name: 'revenue',
      title: 'Revenue: invoiced, paid and credited',
      columns: ['period', 'currency', 'invoiced', 'paid', 'credited'],
      rows: report.data,
      chart: { label: ['period', 'currency'], value: 'invoiced' },
    }));
  }

  @ReportRoute(GetActivityReport)
  async activity(
    @Query() query: ActivityQuery,
    @Caller() caller: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | Buffer | undefined> {
    return this.answer(GetActivityReport, query, caller, reply, (report) => ({
      name: 'activity',
      title: 'Activity per user',
      columns: ['userId', 'tasksCompleted', 'notesCreated', 'emailsSent', 'dealsWon', 'dealsLost'],
      rows: report.data,
      chart: { label: ['userId'], value: 'tasksCompleted' },
    }));
  }

  @ReportRoute(GetAcquisitionReport)
  async acquisition(
    @Query() query: PeriodicReportQuery,
    @Caller() caller: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | Buffer | undefined> {
    return this.answer(GetAcquisitionReport, query, caller, reply, (report) => ({
      name: 'acquisition',
      title: 'New customers by lead source',
      columns: ['period', 'leadSource', 'newCustomers'],
      rows: report.data,
      chart: { label: ['period', 'leadSource'], value: 'newCustomers' },
    }));
  }

  @ReportRoute(GetDealVelocityReport)
  async dealVelocity(
    @Query() query: ActivityQuery,
    @Caller() caller: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | Buffer | undefined> {
    return this.answer(GetDealVelocityReport, query, caller, reply, (report) => ({
      name: 'deal-velocity',
      title: 'Deal velocity: average days per stage',
      columns: ['pipelineId', 'stageId', 'stageName', 'position', 'deals', 'averageDays'],
      rows: report.data,
      chart: { label: ['stageName'], value: 'averageDays' },
    }));
  }

  /**
   * The report as JSON (the service's text passed on, not parsed and serialised again), or its
   * rows as the file `format` asks for (an attachment).
   */
  private async answer<O extends AnyOperation, Row extends object>(
    operation: O,
    query: InputOf<O> & { format?: ReportFormat },
    caller: RequestContext,
    reply: FastifyReply,
    table: (report: OutputOf<O>) => ReportTable<Row>,
  ): Promise<string | Buffer | undefined> {
    if (query.format === undefined || query.format === 'json') {
      const body = await this.services.sendJson(operation.pattern, query, caller);
      void reply.type(JSON_TYPE);
      return body;
    }
    const file = await reportFile(query.format, table(await callOperation(this.services, operation, query, caller)));
    void reply.header('Content-Type', file.contentType);
    // Our own fixed names: plain ASCII, nothing to escape.
    void reply.header('Content-Disposition', `attachment; filename="${file.fileName}"`);
    return file.body;
  }
}
