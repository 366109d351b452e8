import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { CustomReportQuery, CustomReportResult, ReportCell } from '@kinship/contracts/reporting';
import { withWorkspace } from '@kinship/persistence';
import type { DataSource } from 'typeorm';
import { FreshnessService } from '../reports/freshness.service.js';
import { scopedOwner, type ReportCaller } from '../reports/report-caller.js';
import { CustomQueryCompiler } from './custom-query.compiler.js';
import { REPORT_ENTITIES } from './report-entities.js';

/** POST /reports/query: a custom report compiled from the whitelist and run under the workspace's row-level security. */
@Injectable()
export class CustomReportsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly freshness: FreshnessService,
  ) {}

  /** Members get their own records only (deals and contacts they own, tasks assigned to them). */
  async run(caller: ReportCaller, query: CustomReportQuery): Promise<CustomReportResult> {
    return this.runAs(caller.workspaceId, scopedOwner(caller, undefined), query);
  }

  /** The report over the workspace's records, or one owner's when ownerId is given. */
  async runAs(workspaceId: string, ownerId: string | null, query: CustomReportQuery): Promise<CustomReportResult> {
    const compiled = new CustomQueryCompiler(query, workspaceId).compile(ownerId);
    const rows: Array<Record<string, string | null>> = await withWorkspace(this.dataSource, workspaceId, (manager) =>
      manager.query(compiled.sql, compiled.parameters),
    );
    const numeric = compiled.columns.map((column) => column.type === 'integer' || column.type === 'number');
    const cells = rows.slice(0, compiled.cap).map((row) =>
      compiled.columns.map((_column, index): ReportCell => {
        const value = row[`c${index}`] ?? null;
        return value !== null && numeric[index] ? Number(value) : value;
      }),
    );
    return {
      columns: compiled.columns,
      rows: cells,
      truncated: rows.length > compiled.cap,
      ...(await this.freshness.of(REPORT_ENTITIES[query.entity].projections)),
    };
  }
}
