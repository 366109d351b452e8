import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ValidRequest, type RpcRequest } from '@kinship/messaging';
import { ForecastQueryDto, ReportQueryDto } from './dto/report-query.dto.js';
import { reportCaller } from './report-caller.js';
import { toCsv, type CsvReport } from './report-csv.js';
import { ReportsService, type ForecastRow, type PipelineRow, type WinRate, type WinRateByCurrency } from './reports.service.js';
import type { Freshness } from './freshness.service.js';

/** reporting.reports.*: the standard reports, as JSON or CSV. */
@Controller()
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @MessagePattern('reporting.reports.pipeline')
  async pipeline(@Payload(new ValidRequest(ReportQueryDto)) request: RpcRequest<ReportQueryDto>): Promise<({ data: PipelineRow[] } & Freshness) | CsvReport> {
    const report = await this.reports.pipeline(reportCaller(request.context), request.data);
    if (request.data.format !== 'csv') return report;
    return toCsv<PipelineRow>('pipeline.csv', ['pipelineId', 'stageId', 'stageName', 'position', 'probability', 'currency', 'count', 'amount', 'weightedAmount'], report.data);
  }

  @MessagePattern('reporting.reports.forecast')
  async forecast(@Payload(new ValidRequest(ForecastQueryDto)) request: RpcRequest<ForecastQueryDto>): Promise<({ data: ForecastRow[] } & Freshness) | CsvReport> {
    const report = await this.reports.forecast(reportCaller(request.context), request.data);
    if (request.data.format !== 'csv') return report;
    return toCsv<ForecastRow>('forecast.csv', ['period', 'currency', 'category', 'count', 'amount', 'weightedAmount'], report.data);
  }

  @MessagePattern('reporting.reports.win-rate')
  async winRate(@Payload(new ValidRequest(ReportQueryDto)) request: RpcRequest<ReportQueryDto>): Promise<(WinRate & Freshness) | CsvReport> {
    const report = await this.reports.winRate(reportCaller(request.context), request.data);
    if (request.data.format !== 'csv') return report;
    return toCsv<WinRateByCurrency>('win-rate.csv', ['currency', 'won', 'lost', 'winRate', 'wonAmount', 'lostAmount', 'averageWonAmount'], report.byCurrency);
  }
}
