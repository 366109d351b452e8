import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiConsumes, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { inputProblems, RpcError, ServiceClient, type ErrorDetail } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { FileStore } from '@kinship/platform';
import { stringify } from 'csv-stringify/sync';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequirePermission } from '../access/route-access.js';
import { Caller } from '../http/caller-context.js';
import {
  ConflictIdParams,
  ConflictPageResponse,
  ConflictResponse,
  CreateImportForm,
  IMPORT_ENTITIES,
  IMPORT_MODES,
  ImportCreatedResponse,
  ImportIdParams,
  ImportResponse,
  ListConflictsQuery,
  ResolveConflictBody,
  ResolveConflictsBody,
  ResolvedCountResponse,
} from './imports.dto.js';

const ERROR_PAGE = 2000;

interface ErrorPage {
  columns: string[];
  errors: Array<{ line: number; message: string; values: string[] }>;
}

/** The form fields of POST /imports, checked here because the multipart body bypasses the DTO pipe. */
function readForm(fields: Record<string, string>, fileName: string | null): { data: Record<string, unknown>; problems: ErrorDetail[] } {
  const problems: ErrorDetail[] = [];
  if (fileName === null) problems.push({ field: 'file', issue: 'is missing: send the file as the multipart part "file"' });
  else if (fileName.includes('\u0000')) problems.push({ field: 'file', issue: 'has a name with a NUL character' });
  if (!IMPORT_ENTITIES.includes(fields.entity as (typeof IMPORT_ENTITIES)[number])) problems.push({ field: 'entity', issue: `must be one of ${IMPORT_ENTITIES.join(', ')}` });
  if (fields.mode !== undefined && !IMPORT_MODES.includes(fields.mode as (typeof IMPORT_MODES)[number])) problems.push({ field: 'mode', issue: `must be one of ${IMPORT_MODES.join(', ')}` });
  if (fields.lifecycleBackward !== undefined && !['true', 'false'].includes(fields.lifecycleBackward)) problems.push({ field: 'lifecycleBackward', issue: 'must be true or false' });
  let mapping: unknown;
  if (fields.mapping !== undefined) {
    try {
      mapping = JSON.parse(fields.mapping);
    } catch {
      mapping = undefined;
    }
    if (typeof mapping !== 'object' || mapping === null || Array.isArray(mapping)) problems.push({ field: 'mapping', issue: 'must be a JSON object of column name → field name or null' });
    // What the pipe checks in JSON bodies (NUL characters, nesting, number range).
    else problems.push(...inputProblems(mapping, 'mapping'));
  }
  return {
    problems,
    data: {
      entity: fields.entity,
      ...(mapping !== undefined ? { mapping } : {}),
      ...(fields.mode !== undefined ? { mode: fields.mode } : {}),
      ...(fields.lifecycleBackward !== undefined ? { lifecycleBackward: fields.lifecycleBackward === 'true' } : {}),
    },
  };
}

/** busboy's own errors (no boundary, a body cut short, a bad part header) carry no code: the body is unreadable, the client's fault. */
function unreadableBody(error: unknown): unknown {
  if (error instanceof RpcError || typeof (error as { code?: unknown }).code === 'string') return error;
  return new RpcError(400, 'malformed_multipart', 'The request body is not valid multipart/form-data.');
}

/** The parts of the request's multipart body, with reading errors said as a 400. */
async function* multipartParts(request: FastifyRequest): ReturnType<FastifyRequest['parts']> {
  const parts = request.parts();
  for (;;) {
    const next = await parts.next().catch((error: unknown) => {
      throw unreadableBody(error);
    });
    if (next.done) return;
    yield next.value;
  }
}

@ApiTags('imports')
@Controller('imports')
export class ImportsController {
  constructor(
    private readonly services: ServiceClient,
    private readonly files: FileStore,
  ) {}

  /**
   * Streams the uploaded file into the FileStore part by part (never whole in memory), then asks
   * crm to queue the import. Whatever refuses the request afterwards deletes the stored file.
   */
  @Post()
  @RequirePermission('imports:write')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: CreateImportForm })
  @ApiAcceptedResponse({ type: ImportCreatedResponse, description: 'The import is queued; GET /imports/:id follows it.' })
  async create(@Req() request: FastifyRequest, @Caller() caller: RequestContext): Promise<ImportCreatedResponse> {
    if (!request.isMultipart()) {
      throw new RpcError(415, 'unsupported_media_type', 'Send the file as multipart/form-data.', [{ field: 'file', issue: 'is missing: the body is not multipart/form-data' }]);
    }
    const fileKey = `imports/${randomUUID()}`;
    let fileName: string | null = null;
    let stored = false;
    const fields: Record<string, string> = {};
    try {
      for await (const part of multipartParts(request)) {
        if (part.type === 'field') {
          fields[part.fieldname] = String(part.value);
        } else if (part.fieldname !== 'file' || fileName !== null) {
          part.file.resume();
        } else {
          stored = true;
          await this.files.put(fileKey, part.file, { fileName: part.filename, contentType: part.mimetype }).catch((error: unknown) => {
            throw part.file.errored ? unreadableBody(error) : error;
          });
          fileName = part.filename || 'upload';
          if (part.file.truncated) throw new RpcError(413, 'payload_too_large', 'The file is larger than imports accept.', [{ field: 'file', issue: 'is too large' }]);
        }
      }
      const { data, problems } = readForm(fields, fileName);
      if (problems.length) throw RpcError.validation(problems);
      return await this.services.send<ImportCreatedResponse>('crm.imports.create', { fileKey, fileName, ...data }, caller);
    } catch (error) {
      if (stored) await this.files.delete(fileKey).catch(() => false);
      const tooLarge = (error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE' || (error as { code?: string }).code === 'FST_PARTS_LIMIT';
      if (tooLarge) throw new RpcError(413, 'payload_too_large', 'The upload is larger than imports accept.', [{ field: 'file', issue: 'is too large' }]);
      throw error;
    }
  }

  @Get(':id')
  @RequirePermission('imports:write')
  @ApiOkResponse({ type: ImportResponse })
  get(@Param() params: ImportIdParams, @Caller() caller: RequestContext): Promise<ImportResponse> {
    return this.services.send('crm.imports.get', { id: params.id }, caller);
  }

  /** Every bad row: its original cells, its line number and the reason, streamed page by page from crm. */
  @Get(':id/errors.csv')
  @RequirePermission('imports:write')
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'The header of the file plus "line" and "error" columns; one line per bad row.' })
  async errors(@Param() params: ImportIdParams, @Caller() caller: RequestContext, @Res() reply: FastifyReply): Promise<void> {
    const fetchPage = (afterLine: number) => this.services.send<ErrorPage>('crm.imports.errors', { id: params.id, afterLine, limit: ERROR_PAGE }, caller);
    const first = await fetchPage(0);
    async function* lines(): AsyncGenerator<string> {
      yield stringify([[...first.columns, 'line', 'error']]);
      for (let page = first; ; ) {
        if (page.errors.length) yield stringify(page.errors.map((error) => [...first.columns.map((_column, index) => error.values[index] ?? ''), error.line, error.message]));
        if (page.errors.length < ERROR_PAGE) return;
        page = await fetchPage(page.errors[page.errors.length - 1]!.line);
      }
    }
    void reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="import-${params.id}-errors.csv"`)
      .send(Readable.from(lines()));
  }

  @Post(':id/cancel')
  @RequirePermission('imports:write')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: ImportResponse, description: 'The job stops at its next batch; what it committed stays (undo removes it). 409 when the import is not queued or running.' })
  cancel(@Param() params: ImportIdParams, @Caller() caller: RequestContext): Promise<ImportResponse> {
    return this.services.send('crm.imports.cancel', { id: params.id }, caller);
  }

  @Post(':id/undo')
  @RequirePermission('imports:write')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: ImportResponse, description: 'Within 24 hours, once: created records are deleted, changed ones restored. 409 otherwise.' })
  undo(@Param() params: ImportIdParams, @Caller() caller: RequestContext): Promise<ImportResponse> {
    return this.services.send('crm.imports.undo', { id: params.id }, caller);
  }

  @Get(':id/conflicts')
  @RequirePermission('imports:write')
  @ApiOkResponse({ type: ConflictPageResponse })
  conflicts(@Param() params: ImportIdParams, @Query() query: ListConflictsQuery, @Caller() caller: RequestContext): Promise<ConflictPageResponse> {
    return this.services.send('crm.imports.conflicts.list', { id: params.id, ...query }, caller);
  }

  @Post(':id/conflicts/resolve')
  @RequirePermission('imports:write')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: ResolvedCountResponse, description: 'keep_existing or take_incoming for the listed conflicts, or all open ones.' })
  resolveMany(@Param() params: ImportIdParams, @Body() body: ResolveConflictsBody, @Caller() caller: RequestContext): Promise<ResolvedCountResponse> {
    return this.services.send('crm.imports.conflicts.resolve-many', { id: params.id, ...body }, caller);
  }

  @Post(':id/conflicts/:conflictId/resolve')
  @RequirePermission('imports:write')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: ConflictResponse, description: 'take_incoming and merge write through the record’s normal update (422 or 409 when the value is refused).' })
  resolve(@Param() params: ConflictIdParams, @Body() body: ResolveConflictBody, @Caller() caller: RequestContext): Promise<ConflictResponse> {
    return this.services.send('crm.imports.conflicts.resolve', { id: params.id, conflictId: params.conflictId, ...body }, caller);
  }
}
