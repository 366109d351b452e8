import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { mayAccessObject, type InputOf } from '@kinship/contracts';
import {
  FILE_RECORD_ROUTES,
  type CreateFileInput,
  type DescribedFile,
  type FileRecordLink,
  type FileUsage,
  type OpenedFile,
  type OpenFile,
  type StoredFileInfo,
  type UploadTarget,
} from '@kinship/contracts/crm';
import { RpcError } from '@kinship/messaging';
import { isUuid, newId, withWorkspace } from '@kinship/persistence';
import type { DataSource, EntityManager } from 'typeorm';
import { DEFAULT_PAGE_SIZE } from '../common/list-query.js';
import { assertHolds, assertMayWrite, holds, type CrmCaller } from '../common/crm-caller.js';
import { CrmConfig } from '../crm.config.js';
import { BillingInvoices } from './billing-invoices.js';
import { objectTypesOfRecords } from '../common/object-access.js';
import { FilesRepository } from './files.repository.js';

function fileNotFound(): RpcError {
  return RpcError.notFound('File');
}

function recordNotFound(record: FileRecordLink): RpcError {
  return RpcError.notFound(record.type[0]!.toUpperCase() + record.type.slice(1));
}

function quotaExceeded(size: number, available: number): RpcError {
  return new RpcError(413, 'quota_exceeded', `The workspace’s file storage quota has ${available} bytes left; this file has ${size}.`, [
    { field: 'file', issue: 'is larger than the storage quota leaves' },
  ]);
}

/** A file the inbound email listener stored, to be recorded on a ticket. */
export interface InboundFile {
  objectKey: string;
  name: string;
  contentType: string;
  size: number;
}

/** An inbound file recorded (fileId) or refused (why). */
export type InboundFileOutcome = { fileId: string; refused: null } | { fileId: null; refused: string };

/**
 * Files' metadata and what they are attached to; the bytes are in the object store, which the
 * gateway streams uploads into and downloads out of. A file attached to records follows their
 * permissions: attaching needs the record's write permission (members: records they own),
 * listing its read permission, downloading the read permission of one of its records.
 */
@Injectable()
export class FilesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: CrmConfig,
    private readonly files: FilesRepository,
    private readonly invoices: BillingInvoices,
  ) {}

  /** Before the gateway reads an upload's bytes: may the caller upload (there), and how many bytes the quota leaves. */
  async prepare(caller: CrmCaller, target: UploadTarget): Promise<{ available: number }> {
    await this.assertInvoice(caller, target.attachTo);
    return withWorkspace(this.dataSource, caller.workspaceId, async (manager) => {
      await this.assertMayUpload(manager, caller, target.attachTo);
      const { used } = await this.files.usage(manager, caller.workspaceId);
      return { available: this.left(used) };
    });
  }

  /** Records an upload the gateway stored; refused (quota, record gone), the gateway removes the bytes. */
  async create(caller: CrmCaller, input: CreateFileInput): Promise<StoredFileInfo> {
    const { workspaceId } = caller;
    await this.assertInvoice(caller, input.attachTo);
    return withWorkspace(this.dataSource, workspaceId, async (manager) => {
      await this.assertMayUpload(manager, caller, input.attachTo);
      await this.files.lockUsage(manager, workspaceId);
      const { used } = await this.files.usage(manager, workspaceId);
      const available = this.left(used);
      if (input.size > available) throw quotaExceeded(input.size, available);
      const id = newId();
      await this.files.insert(manager, workspaceId, {
        id,
        objectKey: input.objectKey,
        name: input.name,
        contentType: input.contentType,
        size: input.size,
        createdBy: caller.userId,
      });
      if (input.attachTo) await this.files.attach(manager, workspaceId, id, input.attachTo, caller.userId);
      return (await this.files.find(manager, workspaceId, id))!.info;
    });
  }

  /**
   * The files of an inbound email, recorded in the caller's transaction as files of its ticket, in
   * order, while the workspace's quota has room; the others are refused with the reason, and their
   * bytes are the caller's to remove. Serialised with uploads, as create is.
   */
  async attachInbound(manager: EntityManager, workspaceId: string, ticketId: string, files: InboundFile[]): Promise<InboundFileOutcome[]> {
    if (files.length === 0) return [];
    await this.files.lockUsage(manager, workspaceId);
    let available = this.left((await this.files.usage(manager, workspaceId)).used);
    const outcomes: InboundFileOutcome[] = [];
    for (const file of files) {
      if (file.size > available) {
        outcomes.push({ fileId: null, refused: quotaExceeded(file.size, available).message });
        continue;
      }
      const id = newId();
      await this.files.insert(manager, workspaceId, { id, ...file, createdBy: null });
      await this.files.attach(manager, workspaceId, id, { type: 'ticket', id: ticketId }, null);
      available -= file.size;
      outcomes.push({ fileId: id, refused: null });
    }
    return outcomes;
  }

  async attach(caller: CrmCaller, record: FileRecordLink, fileId: string): Promise<StoredFileInfo> {
    const { workspaceId } = caller;
    await this.assertInvoice(caller, record);
    return withWorkspace(this.dataSource, workspaceId, async (manager) => {
      await this.assertMayUpload(manager, caller, record);
      const file = isUuid(fileId) ? await this.files.find(manager, workspaceId, fileId, true) : null;
      if (!file) throw fileNotFound();
      await this.files.attach(manager, workspaceId, fileId, record, caller.userId);
      return (await this.files.find(manager, workspaceId, fileId))!.info;
    });
  }

  async list(
    caller: CrmCaller,
    record: FileRecordLink,
    page: { limit?: number; cursor?: string },
  ): Promise<{ data: StoredFileInfo[]; nextCursor: string | null }> {
    assertHolds(caller, FILE_RECORD_ROUTES[record.type].read);
    if (!isUuid(record.id)) throw recordNotFound(record);
    if (record.type === 'invoice') await this.invoices.assertExists(caller, record.id);
    return withWorkspace(this.dataSource, caller.workspaceId, async (manager) => {
      if (record.type !== 'invoice' && (await this.files.recordOwner(manager, caller.workspaceId, { type: record.type, id: record.id })) === undefined)
        throw recordNotFound(record);
      const { rows, nextCursor } = await this.files.listForRecord(manager, caller.workspaceId, record, page.limit ?? DEFAULT_PAGE_SIZE, page.cursor);
      return { data: rows, nextCursor };
    });
  }

  /**
   * The file and its object key, for the gateway to stream. A file on records needs the read
   * permission of one of them; on a custom object's record, also read access to that object (the
   * role's as the object narrows it, an API key's object scopes).
   */
  async open(caller: CrmCaller, input: InputOf<typeof OpenFile>): Promise<OpenedFile> {
    assertHolds(caller, 'files:read');
    if (!isUuid(input.id)) throw fileNotFound();
    return withWorkspace(this.dataSource, caller.workspaceId, async (manager) => {
      const file = await this.files.find(manager, caller.workspaceId, input.id);
      if (!file) throw fileNotFound();
      const { attachedTo } = file.info;
      if (attachedTo.length && !(await this.mayReadOneOf(manager, caller, attachedTo))) {
        throw RpcError.forbidden(
          `This file is attached to records the caller may not read (${[...new Set(attachedTo.map((record) => FILE_RECORD_ROUTES[record.type].read))].join(', ')}).`,
        );
      }
      return { file: file.info, objectKey: file.objectKey };
    });
  }

  /** What another service needs of a file it was given (auth: an avatar's content type); the asking service checks the caller's permission. */
  async describe(caller: CrmCaller, id: string): Promise<DescribedFile> {
    if (!isUuid(id)) throw fileNotFound();
    const file = await withWorkspace(this.dataSource, caller.workspaceId, (manager) => this.files.find(manager, caller.workspaceId, id));
    if (!file) throw fileNotFound();
    return { id: file.info.id, contentType: file.info.contentType };
  }

  async delete(caller: CrmCaller, id: string): Promise<void> {
    if (!isUuid(id)) throw fileNotFound();
    await withWorkspace(this.dataSource, caller.workspaceId, async (manager) => {
      const file = await this.files.find(manager, caller.workspaceId, id, true);
      if (!file) throw fileNotFound();
      assertMayWrite(caller, 'files:write', file.info.createdBy);
      await this.files.softDelete(manager, caller.workspaceId, id);
    });
  }

  async usage(caller: CrmCaller): Promise<FileUsage> {
    assertHolds(caller, 'files:read');
    const { used, files } = await withWorkspace(this.dataSource, caller.workspaceId, (manager) => this.files.usage(manager, caller.workspaceId));
    return { used, quota: this.config.FILES_QUOTA_BYTES, available: this.left(used), files };
  }

  private async mayReadOneOf(manager: EntityManager, caller: CrmCaller, records: FileRecordLink[]): Promise<boolean> {
    if (records.some((record) => record.type !== 'record' && holds(caller, FILE_RECORD_ROUTES[record.type].read))) return true;
    const customRecords = records.filter((record) => record.type === 'record').map((record) => record.id);
    if (!customRecords.length || !holds(caller, FILE_RECORD_ROUTES.record.read)) return false;
    const objects = await objectTypesOfRecords(manager, caller.workspaceId, customRecords);
    return objects.some((object) => !object.deleted && mayAccessObject(caller, object, 'read'));
  }

  /** What the workspace's quota leaves when `used` bytes are taken. */
  private left(used: number): number {
    return Math.max(0, this.config.FILES_QUOTA_BYTES - used);
  }

  /** An invoice, billing's, is checked before the transaction (after the permission, so a caller without it learns nothing). */
  private async assertInvoice(caller: CrmCaller, record: FileRecordLink | undefined): Promise<void> {
    if (record?.type !== 'invoice') return;
    assertHolds(caller, FILE_RECORD_ROUTES.invoice.write);
    await this.invoices.assertExists(caller, record.id);
  }

  /** A file of its own needs files:write; one attached to a record needs a live record and the right to change it (invoices: assertInvoice). */
  private async assertMayUpload(manager: EntityManager, caller: CrmCaller, record: FileRecordLink | undefined): Promise<void> {
    if (!record) {
      assertHolds(caller, 'files:write');
      return;
    }
    const permission = FILE_RECORD_ROUTES[record.type].write;
    assertHolds(caller, permission);
    if (record.type === 'invoice') return;
    const owner = isUuid(record.id) ? await this.files.recordOwner(manager, caller.workspaceId, { type: record.type, id: record.id }) : undefined;
    if (owner === undefined) throw recordNotFound(record);
    if (record.type === 'ticket' || record.type === 'record') return;
    assertMayWrite(caller, permission, owner);
  }
}
