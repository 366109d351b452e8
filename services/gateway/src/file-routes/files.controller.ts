import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { applyDecorators, Controller, Get, HttpCode, HttpStatus, Inject, Param, Post, Req, Res, StreamableFile } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiProduces,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import {
  AttachFileBody,
  CreateFile,
  FILE_RECORD_ROUTES,
  GetObjectRecord,
  ObjectRecordParams,
  OpenFile,
  PrepareUpload,
  RECORD_FILE_OPERATIONS,
  RecordIdParams,
  StoredFileInfo,
  UploadFileForm,
  type FileRecordLink,
  type FileRecordType,
} from '@kinship/contracts/crm';
import { callOperation, RpcError, ServiceClient, validateData } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { ATTACHMENT_FILES, FileStore } from '@kinship/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequirePermission } from '../access/route-access.js';
import { GatewayConfig } from '../gateway.config.js';
import { Caller } from '../http/caller-context.js';
import { ErrorResponse } from '../http/error-response.dto.js';
import { multipartParts, requireMultipart, unreadableBody } from '../http/multipart.js';
import { attachmentDisposition, detectContentType, SNIFF_BYTES, uploadedFileName } from './content-type.js';
import { THUMBNAIL_CONTENT_TYPE, THUMBNAIL_MAX_SIDE, thumbnailKey, Thumbnails } from './thumbnails.js';

function tooLarge(limit: number): RpcError {
  return new RpcError(413, 'payload_too_large', `The file is larger than the ${limit} bytes uploads may have (FILES_MAX_BYTES).`, [
    { field: 'file', issue: 'is too large' },
  ]);
}

function overQuota(available: number): RpcError {
  return new RpcError(413, 'quota_exceeded', `The file is larger than the ${available} bytes the workspace’s storage quota leaves.`, [
    { field: 'file', issue: 'is larger than the storage quota leaves' },
  ]);
}

/** What multipart parsing refuses by its limits: a second file, too many fields. */
const PART_LIMITS = new Set(['FST_FILES_LIMIT', 'FST_FIELDS_LIMIT', 'FST_PARTS_LIMIT']);

interface Upload {
  name: string;
  contentType: string;
  size: number;
}

/**
 * Yields the file's chunks as they come, keeping its first bytes for content-type detection. A
 * file cut off at the size limit ends normally but `truncated`: then this fails, so the object
 * store purges what it wrote instead of keeping a truncated object.
 */
async function* sniffing(file: Readable & { truncated?: boolean }, head: { sample: Buffer; size: number }, truncated: () => RpcError): AsyncGenerator<Buffer> {
  const kept: Buffer[] = [];
  let keptBytes = 0;
  for await (const chunk of file) {
    if (keptBytes < SNIFF_BYTES) {
      kept.push(chunk.subarray(0, SNIFF_BYTES - keptBytes));
      keptBytes += Math.min(chunk.length, SNIFF_BYTES - keptBytes);
    }
    head.size += chunk.length;
    yield chunk;
  }
  if (file.truncated) throw truncated();
  head.sample = Buffer.concat(kept);
}

/** The record routes' OpenAPI: one path, two bodies (an upload, or {fileId}). */
function attachRoute(type: FileRecordType): MethodDecorator {
  const operation = RECORD_FILE_OPERATIONS[type].attach;
  return applyDecorators(
    Post(operation.route!.path),
    RequirePermission(FILE_RECORD_ROUTES[type].write),
    HttpCode(HttpStatus.CREATED),
    ApiOperation({ operationId: operation.pattern, summary: operation.summary, description: operation.description }),
    ApiConsumes('multipart/form-data', 'application/json'),
    ApiBody({ schema: { oneOf: [{ $ref: getSchemaPath(UploadFileForm) }, { $ref: getSchemaPath(AttachFileBody) }] } }),
    ApiCreatedResponse({ type: StoredFileInfo, description: 'The file, attached.' }),
    ApiNotFoundResponse({
      type: ErrorResponse,
      description: `No such ${type} in the workspace (another workspace’s ids too), or no such live file (not_found); nothing stored.`,
    }),
    ApiPayloadTooLargeResponse({
      type: ErrorResponse,
      description: 'Over FILES_MAX_BYTES (payload_too_large) or the storage quota (quota_exceeded); nothing stored.',
    }),
  );
}

@ApiTags('files')
@ApiExtraModels(UploadFileForm, AttachFileBody)
/**
 * The routes of files that HTTP shapes: uploads (multipart, streamed into the object store, never
 * whole in memory) and downloads (streamed out). crm keeps the files' rows and says who may do
 * what; DELETE /files/:id, GET /files/usage and the record lists are crm's contracts as they are.
 */
@Controller()
export class FilesController {
  constructor(
    private readonly services: ServiceClient,
    @Inject(ATTACHMENT_FILES) private readonly files: FileStore,
    private readonly config: GatewayConfig,
    private readonly thumbnails: Thumbnails,
  ) {}

  @Post('files')
  @RequirePermission('files:write')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ operationId: CreateFile.pattern, summary: CreateFile.summary, description: CreateFile.description })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadFileForm })
  @ApiCreatedResponse({ type: StoredFileInfo, description: 'The file as stored.' })
  @ApiPayloadTooLargeResponse({
    type: ErrorResponse,
    description: 'Over FILES_MAX_BYTES (payload_too_large) or the storage quota (quota_exceeded); nothing stored.',
  })
  upload(@Req() request: FastifyRequest, @Caller() caller: RequestContext): Promise<StoredFileInfo> {
    return this.store(request, caller, undefined);
  }

  @Get('files/:id')
  @RequirePermission('files:read')
  @ApiOperation({ operationId: OpenFile.pattern, summary: OpenFile.summary, description: OpenFile.description })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({
    description: 'The file’s bytes; Content-Type is the type detected from them at upload.',
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiForbiddenResponse({ type: ErrorResponse, description: 'The file is attached only to records the caller may not read (forbidden).' })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'No such live file in the workspace (another workspace’s ids too).' })
  async download(@Param() params: RecordIdParams, @Caller() caller: RequestContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<StreamableFile> {
    const { file, objectKey } = await callOperation(this.services, OpenFile, { id: params.id }, caller);
    const stored = await this.files.get(objectKey);
    if (!stored) throw RpcError.notFound('File');
    void reply.headers({
      'content-type': file.contentType,
      'content-length': String(stored.file.size),
      'content-disposition': attachmentDisposition(file.name),
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'cache-control': 'private, no-store',
    });
    return new StreamableFile(stored.content);
  }

  @Get('files/:id/thumbnail')
  @RequirePermission('files:read')
  @ApiOperation({
    operationId: 'crm.files.thumbnail',
    summary: 'Download a file’s thumbnail',
    description:
      `For an image (PNG, JPEG, WebP, GIF as detected from its bytes): a WebP of at most ${THUMBNAIL_MAX_SIDE} pixels on its longer side, made at upload. ` +
      'The same permissions as downloading the file. 404 thumbnail_unavailable for a file that is not an image, or whose image could not be read.',
  })
  @ApiProduces(THUMBNAIL_CONTENT_TYPE)
  @ApiOkResponse({ description: 'The thumbnail, image/webp.', content: { [THUMBNAIL_CONTENT_TYPE]: { schema: { type: 'string', format: 'binary' } } } })
  @ApiForbiddenResponse({ type: ErrorResponse, description: 'The file is attached only to records the caller may not read (forbidden).' })
  @ApiNotFoundResponse({
    type: ErrorResponse,
    description: 'No such live file in the workspace (not_found), or the file has no thumbnail (thumbnail_unavailable).',
  })
  async thumbnail(@Param() params: RecordIdParams, @Caller() caller: RequestContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<StreamableFile> {
    const { objectKey } = await callOperation(this.services, OpenFile, { id: params.id }, caller);
    const stored = await this.files.get(thumbnailKey(objectKey));
    if (!stored) throw new RpcError(404, 'thumbnail_unavailable', 'This file has no thumbnail: it is not an image, or its image could not be read.');
    void reply.headers({
      'content-type': THUMBNAIL_CONTENT_TYPE,
      'content-length': String(stored.file.size),
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      // A file's bytes never change, so neither does its thumbnail.
      'cache-control': 'private, max-age=86400, immutable',
    });
    return new StreamableFile(stored.content);
  }

  @attachRoute('contact')
  attachToContact(@Param() params: RecordIdParams, @Req() request: FastifyRequest, @Caller() caller: RequestContext): Promise<StoredFileInfo> {
    return this.attach({ type: 'contact', id: params.id }, request, caller);
  }

  @attachRoute('company')
  attachToCompany(@Param() params: RecordIdParams, @Req() request: FastifyRequest, @Caller() caller: RequestContext): Promise<StoredFileInfo> {
    return this.attach({ type: 'company', id: params.id }, request, caller);
  }

  @attachRoute('deal')
  attachToDeal(@Param() params: RecordIdParams, @Req() request: FastifyRequest, @Caller() caller: RequestContext): Promise<StoredFileInfo> {
    return this.attach({ type: 'deal', id: params.id }, request, caller);
  }

  @attachRoute('ticket')
  attachToTicket(@Param() params: RecordIdParams, @Req() request: FastifyRequest, @Caller() caller: RequestContext): Promise<StoredFileInfo> {
    return this.attach({ type: 'ticket', id: params.id }, request, caller);
  }

  @attachRoute('note')
  attachToNote(@Param() params: RecordIdParams, @Req() request: FastifyRequest, @Caller() caller: RequestContext): Promise<StoredFileInfo> {
    return this.attach({ type: 'note', id: params.id }, request, caller);
  }

  @attachRoute('invoice')
  attachToInvoice(@Param() params: RecordIdParams, @Req() request: FastifyRequest, @Caller() caller: RequestContext): Promise<StoredFileInfo> {
    return this.attach({ type: 'invoice', id: params.id }, request, caller);
  }

  /** crm knows a custom object record by its id alone: the path's object is checked first, so another object's record is a 404. */
  @attachRoute('record')
  async attachToObjectRecord(@Param() params: ObjectRecordParams, @Req() request: FastifyRequest, @Caller() caller: RequestContext): Promise<StoredFileInfo> {
    if (!request.isMultipart()) {
      const body = await validateData(AttachFileBody, request.body);
      return callOperation(this.services, RECORD_FILE_OPERATIONS.record.attach, { ...params, fileId: body.fileId }, caller);
    }
    const record = await callOperation(this.services, GetObjectRecord, params, caller);
    if (record.deletedAt) throw RpcError.notFound('Record');
    return this.store(request, caller, { type: 'record', id: record.id });
  }

  /** A multipart body uploads a file onto the record; a JSON one names a file already uploaded. */
  private async attach(
    record: FileRecordLink & { type: Exclude<FileRecordType, 'record'> },
    request: FastifyRequest,
    caller: RequestContext,
  ): Promise<StoredFileInfo> {
    if (request.isMultipart()) return this.store(request, caller, record);
    const body = await validateData(AttachFileBody, request.body);
    return callOperation(this.services, RECORD_FILE_OPERATIONS[record.type].attach, { id: record.id, fileId: body.fileId }, caller);
  }

  /**
   * Asks crm first (permission, the record, the quota left), so a refused upload is refused before
   * its bytes are read; then streams the part "file" into the object store under a new key, with
   * at most the smaller of FILES_MAX_BYTES and the quota left, and has crm record it. Whatever
   * fails after the first byte was stored (a client gone, a limit, the store or crm down, crm
   * refusing) removes the object: the store purges a put that failed, and the key is deleted.
   * An image then gets its thumbnail, before the answer, so the client can show it at once.
   */
  private async store(request: FastifyRequest, caller: RequestContext, attachTo: FileRecordLink | undefined): Promise<StoredFileInfo> {
    requireMultipart(request);
    const { available } = await callOperation(this.services, PrepareUpload, attachTo ? { attachTo } : {}, caller);
    const maxBytes = this.config.FILES_MAX_BYTES;
    const limit = Math.min(maxBytes, available);
    const objectKey = `files/${randomUUID()}`;
    let upload: Upload | null = null;
    let stored = false;
    let created: StoredFileInfo;
    try {
      for await (const part of multipartParts(request, { limits: { fileSize: limit, files: 1, fields: 10, fieldSize: 1000, parts: 11 } })) {
        if (part.type === 'field') continue;
        if (part.fieldname !== 'file' || upload) {
          part.file.resume();
          continue;
        }
        stored = true;
        const head = { sample: Buffer.alloc(0), size: 0 };
        const truncated = () => (limit < maxBytes ? overQuota(available) : tooLarge(maxBytes));
        await this.files.put(objectKey, Readable.from(sniffing(part.file, head, truncated)), {}).catch((error: unknown) => {
          if (part.file.errored || (error as { code?: unknown }).code !== undefined) throw unreadableBody(error);
          throw new RpcError(503, 'service_unavailable', 'The file store is not available.');
        });
        upload = { name: uploadedFileName(part.filename), contentType: await detectContentType(head.sample, head.size <= SNIFF_BYTES), size: head.size };
      }
      if (!upload) throw RpcError.validation([{ field: 'file', issue: 'is missing: send the file as the multipart part "file"' }]);
      created = await callOperation(this.services, CreateFile, { objectKey, ...upload, ...(attachTo ? { attachTo } : {}) }, caller);
    } catch (error) {
      if (stored) await this.files.delete(objectKey).catch(() => false);
      const code = (error as { code?: string }).code;
      if (code === 'FST_REQ_FILE_TOO_LARGE') throw limit < maxBytes ? overQuota(available) : tooLarge(maxBytes);
      if (code !== undefined && PART_LIMITS.has(code))
        throw new RpcError(413, 'payload_too_large', 'Send one file, as the multipart part "file", and nothing else.', [
          { field: 'file', issue: 'comes with too many other parts' },
        ]);
      throw error;
    }
    // Once recorded, the file stays whatever becomes of its thumbnail.
    await this.thumbnails.make(objectKey, created.contentType);
    return created;
  }
}
