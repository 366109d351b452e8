import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import { InjectDataSource } from '@nestjs/typeorm';
import { RpcError } from '@kinship/messaging';
import { isUuid, newId, withWorkspace } from '@kinship/persistence';
import type { Queue } from 'bull';
import type { DataSource, EntityManager } from 'typeorm';
import type { CreateExportBody, ListExportsQuery } from '@kinship/contracts/crm';
import { assertHolds, type CrmCaller } from '../common/crm-caller.js';
import { CursorCodec } from '../common/cursors.js';
import { listPage } from '../common/list-query.js';
import { toListRequest } from '../common/list-request.js';
import { defaultPhoneRegion } from '../common/workspace-settings.js';
import { CustomFieldValidator } from '../custom-fields/custom-field-values.js';
import { EXPORTED_ENTITIES } from './export-entities.js';
import { checkListFilter, type StoredListFilter } from '../common/list-filter.js';
import { EXPORTS_QUEUE, type ExportJob } from './exports.processor.js';
import { checkRecordExportFilter } from './record-export.js';
import { ObjectCatalog } from '../objects/object-catalog.js';
import { EXPORT_COLUMNS, EXPORT_LIST, ExportsRepository, toExport, type Export, type ExportRow } from './exports.repository.js';

const PERMISSION = 'exports:write';
/** A job whose worker died is taken over by another and starts the file again. */
const JOB_ATTEMPTS = 3;

function exportNotFound(): RpcError {
  return RpcError.notFound('Export');
}

/**
 * Exports (API.md "POST /exports"): the request is checked and recorded here, the file is written
 * by ExportsProcessor. Reading records is open to every role, so an export is not limited to the
 * caller's own records: it holds what GET /<entity> with the same filter lists.
 */
@Injectable()
export class ExportsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(EXPORTS_QUEUE) private readonly queue: Queue<ExportJob>,
    private readonly customFields: CustomFieldValidator,
    private readonly exports: ExportsRepository,
    private readonly cursors: CursorCodec,
    private readonly catalog: ObjectCatalog,
  ) {}

  async create(caller: CrmCaller, input: CreateExportBody): Promise<Export> {
    assertHolds(caller, PERMISSION);
    const { workspaceId } = caller;
    if ((input.entity === 'records') !== (input.object !== undefined)) {
      throw RpcError.validation([
        { field: 'object', issue: input.entity === 'records' ? 'names the custom object to export' : 'applies to entity records only' },
      ]);
    }
    const row = await withWorkspace(this.dataSource, workspaceId, async (manager) => {
      const filter =
        input.entity === 'records'
          ? await this.recordFilter(caller, manager, input.object!, input.filter)
          : await checkListFilter(manager, this.customFields, workspaceId, EXPORTED_ENTITIES[input.entity], input.filter);
      return this.exports.insert(manager, {
        id: newId(),
        workspaceId,
        entity: input.entity,
        object: input.object ?? null,
        filter,
        format: input.format,
        requestedBy: caller.userId,
      });
    });
    await this.queue.add(
      { exportId: row.id, workspaceId },
      { jobId: row.id, attempts: JOB_ATTEMPTS, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: true },
    );
    return toExport(row);
  }

  /** A custom object's records need records:read too (and read access to the object), and a live object of the workspace (else 422 naming object). */
  private async recordFilter(caller: CrmCaller, manager: EntityManager, key: string, filter: unknown): Promise<StoredListFilter> {
    assertHolds(caller, 'records:read');
    const object = (await this.catalog.objects(manager, caller.workspaceId)).get(key);
    if (!object) throw RpcError.validation([{ field: 'object', issue: 'is not a live custom object of this workspace' }]);
    object.assertAccess(caller, 'read');
    return checkRecordExportFilter(object, filter, await defaultPhoneRegion(manager, caller.workspaceId));
  }

  async get(caller: CrmCaller, id: string): Promise<Export & { fileKey: string | null }> {
    assertHolds(caller, PERMISSION);
    if (!isUuid(id)) throw exportNotFound();
    const row = await withWorkspace(this.dataSource, caller.workspaceId, (manager) => this.exports.find(manager, caller.workspaceId, id));
    if (!row) throw exportNotFound();
    // The gateway streams the file by its key; the key is not part of the public record.
    return { ...toExport(row), fileKey: row.status === 'completed' ? row.fileKey : null };
  }

  async list(caller: CrmCaller, input: ListExportsQuery): Promise<{ data: Export[]; nextCursor: string | null }> {
    assertHolds(caller, PERMISSION);
    const page = await withWorkspace(this.dataSource, caller.workspaceId, (manager) =>
      listPage<ExportRow>(this.cursors, manager, caller.workspaceId, EXPORT_LIST, toListRequest(input), EXPORT_COLUMNS),
    );
    return { data: page.rows.map(toExport), nextCursor: page.nextCursor };
  }
}
