import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { CustomReportQuery, CustomReportResult, ReportCell } from '@kinship/contracts/reporting';
import { GetObject, ListObjectRecords } from '@kinship/contracts/crm';
import { callOperation, RpcError, ServiceClient } from '@kinship/messaging';
import { currentRequestContext, type RequestContext } from '@kinship/observability';
import { withWorkspace } from '@kinship/persistence';
import type { DataSource } from 'typeorm';
import { FreshnessService } from '../reports/freshness.service.js';
import { scopedOwner, type ReportCaller } from '../reports/report-caller.js';
import { CustomQueryCompiler, type CompiledQuery, type ObjectFieldSchema } from './custom-query.compiler.js';
import { REPORT_ENTITIES } from './report-entities.js';

/** POST /reports/query: a custom report compiled from the whitelist and run under the workspace's row-level security. */
@Injectable()
export class CustomReportsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly freshness: FreshnessService,
    private readonly services: ServiceClient,
  ) {}

  /** Members get their own records only (deals and contacts they own, tasks assigned to them, records they created). */
  async run(caller: ReportCaller, query: CustomReportQuery): Promise<CustomReportResult> {
    const ownerId = scopedOwner(caller, undefined);
    await this.assertMayReadRecords(caller, query);
    return this.runAs(caller.workspaceId, ownerId, query);
  }

  /**
   * A report over a custom object's records needs what listing them needs, which crm answers for
   * the caller (its role as the object narrows it, an API key's object scopes): 403 as crm refuses
   * it; an object that is no live one of the workspace, or hidden from the caller, is a 422 naming object.
   */
  async assertMayReadRecords(caller: ReportCaller, query: CustomReportQuery): Promise<void> {
    if (query.entity !== 'records' || query.object === undefined) return;
    const { workspaceId, userId, role, scopes } = caller;
    const context: RequestContext = { workspaceId, userId, role, scopes, requestId: currentRequestContext()?.requestId ?? randomUUID() };
    try {
      await callOperation(this.services, ListObjectRecords, { object: query.object, limit: 1 }, context);
    } catch (error) {
      if (error instanceof RpcError && error.status === 404) {
        throw RpcError.validation([{ field: 'object', issue: `is not a custom object of this workspace: ${query.object}` }]);
      }
      throw error;
    }
  }

  /** The query compiled against the whitelist and, over records, the object's fields as crm defines them now. */
  async compile(workspaceId: string, query: CustomReportQuery, ownerId: string | null): Promise<CompiledQuery> {
    return new CustomQueryCompiler(query, workspaceId, await this.objectFields(workspaceId, query)).compile(ownerId);
  }

  /**
   * The fields of the object a records query names, read from crm as a reader of every object's
   * definition (whether the caller may read its records is assertMayReadRecords'); an object that
   * is no live one of the workspace is a 422 naming object.
   */
  private async objectFields(workspaceId: string, query: CustomReportQuery): Promise<ObjectFieldSchema[]> {
    if (query.entity !== 'records' || query.object === undefined) return [];
    const context: RequestContext = {
      workspaceId,
      userId: null,
      role: null,
      scopes: ['objects:read', 'records:read'],
      requestId: currentRequestContext()?.requestId ?? randomUUID(),
    };
    const missing = RpcError.validation([{ field: 'object', issue: `is not a custom object of this workspace: ${query.object}` }]);
    try {
      const object = await callOperation(this.services, GetObject, { object: query.object }, context);
      if (object.deletedAt !== null) throw missing;
      return object.fields;
    } catch (error) {
      throw error instanceof RpcError && error.status === 404 ? missing : error;
    }
  }

  /** The report over the workspace's records, or one owner's when ownerId is given. */
  async runAs(workspaceId: string, ownerId: string | null, query: CustomReportQuery): Promise<CustomReportResult> {
    const compiled = await this.compile(workspaceId, query, ownerId);
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
