import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import type { FastifyReply } from 'fastify';
import { RequirePermission } from '../access/route-access.js';
import { Caller } from '../http/caller-context.js';
import { ForecastQuery, ForecastReportResponse, PipelineReportResponse, ReportQuery, WinRateReportResponse } from './reports.dto.js';

/** What the reporting service answers for format=csv. */
interface CsvReport {
  format: 'csv';
  fileName: string;
  content: string;
}

function isCsv(report: object): report is CsvReport {
  return (report as Partial<CsvReport>).format === 'csv';
}

@ApiTags('reports')
@Controller('reports')
export class ReportsController {
  constructor(private readonly services: ServiceClient) {}

  @Get('pipeline')
  @RequirePermission('reports:read')
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: PipelineReportResponse, description: 'Open deals per stage and currency; from/to filter on the creation date.' })
  pipeline(@Query() query: ReportQuery, @Caller() caller: RequestContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<object | string> {
    return this.report('reporting.reports.pipeline', query, caller, reply);
  }

  @Get('forecast')
  @RequirePermission('reports:read')
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: ForecastReportResponse, description: 'Open and won deals by expected close month or quarter; from/to filter on the expected close date.' })
  forecast(@Query() query: ForecastQuery, @Caller() caller: RequestContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<object | string> {
    return this.report('reporting.reports.forecast', query, caller, reply);
  }

  @Get('win-rate')
  @RequirePermission('reports:read')
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: WinRateReportResponse, description: 'Deals won and lost with a close date in from/to. CSV: one row per currency.' })
  winRate(@Query() query: ReportQuery, @Caller() caller: RequestContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<object | string> {
    return this.report('reporting.reports.win-rate', query, caller, reply);
  }

  private async report(pattern: string, query: ReportQuery, caller: RequestContext, reply: FastifyReply): Promise<object | string> {
    const report = await this.services.send<object>(pattern, query, caller);
    if (!isCsv(report)) return report;
    void reply.header('Content-Type', 'text/csv; charset=utf-8');
    // The service names the file (report name, plain ASCII): nothing to escape.
    void reply.header('Content-Disposition', `attachment; filename="${report.fileName}"`);
    return report.content;
  }
}
