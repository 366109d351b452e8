import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { AnyOperation } from '@kinship/contracts';
import {
  ForecastQuery,
  GetForecastReport,
  GetPipelineReport,
  GetWinRateReport,
  ReportQuery,
  type ForecastReportRow,
  type PipelineReportRow,
  type WinRateByCurrency,
} from '@kinship/contracts/reporting';
import { callOperation, ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import type { FastifyReply } from 'fastify';
import { RequirePermission } from '../access/route-access.js';
import { Caller } from '../http/caller-context.js';
import { ErrorResponse } from '../http/error-response.dto.js';
import { reportCsv } from './report-csv.js';

/** The route, permission and OpenAPI text of a report, from its contract. */
function ReportRoute(operation: AnyOperation): MethodDecorator {
  return (target, key, descriptor) => {
    for (const decorate of [
      Get(operation.route!.path),
      RequirePermission(operation.permission!),
      ApiOperation({ operationId: operation.pattern, summary: operation.summary, description: operation.description }),
      ApiOkResponse({ type: operation.output }),
      ApiProduces('application/json', 'text/csv'),
      ...operation.errors.map((error) => ApiResponse({ status: error.status, description: error.description, type: ErrorResponse })),
    ]) {
      decorate(target, key, descriptor);
    }
  };
}

/**
 * The standard reports, bound to their contracts (@kinship/contracts/reporting). Not a
 * contractController: `format=csv` answers a text/csv attachment, rendered here from the
 * contract's rows, which the generic controller (JSON replies only) cannot send.
 */
@ApiTags('reports')
@Controller()
export class ReportsController {
  constructor(private readonly services: ServiceClient) {}

  @ReportRoute(GetPipelineReport)
  async pipeline(@Query() query: ReportQuery, @Caller() caller: RequestContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<object | string> {
    const report = await callOperation(this.services, GetPipelineReport, query, caller);
    if (query.format !== 'csv') return report;
    return csv(reply, 'pipeline.csv', reportCsv<PipelineReportRow>(['pipelineId', 'stageId', 'stageName', 'position', 'probability', 'currency', 'count', 'amount', 'weightedAmount'], report.data));
  }

  @ReportRoute(GetForecastReport)
  async forecast(@Query() query: ForecastQuery, @Caller() caller: RequestContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<object | string> {
    const report = await callOperation(this.services, GetForecastReport, query, caller);
    if (query.format !== 'csv') return report;
    return csv(reply, 'forecast.csv', reportCsv<ForecastReportRow>(['period', 'currency', 'category', 'count', 'amount', 'weightedAmount'], report.data));
  }

  @ReportRoute(GetWinRateReport)
  async winRate(@Query() query: ReportQuery, @Caller() caller: RequestContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<object | string> {
    const report = await callOperation(this.services, GetWinRateReport, query, caller);
    if (query.format !== 'csv') return report;
    return csv(reply, 'win-rate.csv', reportCsv<WinRateByCurrency>(['currency', 'won', 'lost', 'winRate', 'wonAmount', 'lostAmount', 'averageWonAmount'], report.byCurrency));
  }
}

function csv(reply: FastifyReply, fileName: string, content: string): string {
  void reply.header('Content-Type', 'text/csv; charset=utf-8');
  // Our own fixed names: plain ASCII, nothing to escape.
  void reply.header('Content-Disposition', `attachment; filename="${fileName}"`);
  return content;
}
