import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { Controller, Get, HttpCode, HttpStatus, Param, Post, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiConsumes, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import {
  CreateImport,
  CreateImportForm,
  CreateImportInput,
  IMPORT_DATE_FORMATS,
  IMPORT_KINDS,
  IMPORT_MODES,
  IMPORT_PREVIEW_BYTES,
  ImportCreated,
  ImportPreview,
  ListImportErrors,
  PreviewImport,
  PreviewImportForm,
  PreviewImportInput,
  RecordIdParams,
} from '@kinship/contracts/crm';
import { callOperation, inputProblems, RpcError, ServiceClient, validateData, type ErrorDetail } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { FileStore } from '@kinship/platform';
import { stringify } from 'csv-stringify/sync';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequirePermission } from '../access/route-access.js';
import { Caller } from '../http/caller-context.js';
import { ErrorResponse } from '../http/error-response.dto.js';
import { multipartParts, requireMultipart, unreadableBody } from '../http/multipart.js';

const ERROR_PAGE = 2000;

/** The form fields of POST /imports, checked here because the multipart body bypasses the DTO pipe. */
function readForm(fields: Record<string, string>, fileName: string | null): { data: Record<string, unknown>; problems: ErrorDetail[] } {
  const problems: ErrorDetail[] = [];
  if (fileName === null) problems.push({ field: 'file', issue: 'is missing: send the file as the multipart part "file"' });
  else if (fileName.includes('\u0000')) problems.push({ field: 'file', issue: 'has a name with a NUL character' });
  if (!IMPORT_KINDS.includes(fields.entity as (typeof IMPORT_KINDS)[number]))
    problems.push({ field: 'entity', issue: `must be one of ${IMPORT_KINDS.join(', ')}` });
  if (fields.mode !== undefined && !IMPORT_MODES.includes(fields.mode as (typeof IMPORT_MODES)[number]))
    problems.push({ field: 'mode', issue: `must be one of ${IMPORT_MODES.join(', ')}` });
  if (fields.lifecycleBackward !== undefined && !['true', 'false'].includes(fields.lifecycleBackward))
    problems.push({ field: 'lifecycleBackward', issue: 'must be true or false' });
  if (fields.dateFormat !== undefined && !IMPORT_DATE_FORMATS.includes(fields.dateFormat as (typeof IMPORT_DATE_FORMATS)[number]))
    problems.push({ field: 'dateFormat', issue: `must be one of ${IMPORT_DATE_FORMATS.join(', ')}` });
  let mapping: unknown;
  if (fields.mapping !== undefined) {
    try {
      mapping = JSON.parse(fields.mapping);
    } catch {
      mapping = undefined;
    }
    if (typeof mapping !== 'object' || mapping === null || Array.isArray(mapping))
      problems.push({ field: 'mapping', issue: 'must be a JSON object of column name → field name or null' });
    // What the pipe checks in JSON bodies (NUL characters, nesting, number range).
    else problems.push(...inputProblems(mapping, 'mapping'));
  }
  return {
    problems,
    data: {
      entity: fields.entity,
      ...(fields.object !== undefined ? { object: fields.object } : {}),
      ...(fields.matchField !== undefined ? { matchField: fields.matchField } : {}),
      ...(mapping !== undefined ? { mapping } : {}),
      ...(fields.mode !== undefined ? { mode: fields.mode } : {}),
      ...(fields.lifecycleBackward !== undefined ? { lifecycleBackward: fields.lifecycleBackward === 'true' } : {}),
      ...(fields.dateFormat !== undefined ? { dateFormat: fields.dateFormat } : {}),
    },
  };
}

/** The upload went beyond IMPORT_MAX_BYTES (or the parts limit): a 413, as for any upload of imports. */
function tooLargeUpload(error: unknown): unknown {
  const code = (error as { code?: string }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE' || code === 'FST_PARTS_LIMIT')
    return new RpcError(413, 'payload_too_large', 'The upload is larger than imports accept.', [{ field: 'file', issue: 'is too large' }]);
  return error;
}

/**
 * The import form's text fields, with its first part named "file" handed to `readFile` as it
 * streams; any other file part is drained unread. A file that breaks off is the client's 400, one
 * over the gateway's limit a 413.
 */
async function readImportForm(request: FastifyRequest, readFile: (part: MultipartFile) => Promise<void>): Promise<Record<string, string>> {
  const fields: Record<string, string> = {};
  let fileRead = false;
  for await (const part of multipartParts(request)) {
    if (part.type === 'field') {
      fields[part.fieldname] = String(part.value);
    } else if (part.fieldname !== 'file' || fileRead) {
      part.file.resume();
    } else {
      fileRead = true;
      await readFile(part).catch((error: unknown) => {
        throw part.file.errored ? unreadableBody(error) : error;
      });
      if (part.file.truncated)
        throw new RpcError(413, 'payload_too_large', 'The file is larger than imports accept.', [{ field: 'file', issue: 'is too large' }]);
    }
  }
  return fields;
}

/** The first `limit` bytes of a stream; the rest is read and dropped, so the request completes and nothing of it is kept. */
async function readHead(stream: AsyncIterable<Buffer>, limit: number): Promise<{ head: Buffer; complete: boolean }> {
  const chunks: Buffer[] = [];
  let length = 0;
  let complete = true;
  for await (const chunk of stream) {
    if (length < limit) {
      const kept = chunk.subarray(0, limit - length);
      chunks.push(kept);
      length += kept.length;
      if (kept.length < chunk.length) complete = false;
    } else complete = false;
  }
  return { head: Buffer.concat(chunks), complete };
}

@ApiTags('imports')
/** The imports routes that HTTP shapes: the multipart upload and the errors.csv download; the rest are crm's contracts. */
@Controller('imports')
export class ImportFileController {
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
  @ApiOperation({ operationId: CreateImport.pattern, summary: CreateImport.summary, description: CreateImport.description })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: CreateImportForm })
  @ApiAcceptedResponse({ type: ImportCreated, description: 'The import is queued; GET /imports/:id follows it.' })
  async create(@Req() request: FastifyRequest, @Caller() caller: RequestContext): Promise<ImportCreated> {
    requireMultipart(request);
    const fileKey = `imports/${randomUUID()}`;
    let fileName: string | null = null;
    let stored = false;
    try {
      const fields = await readImportForm(request, async (part) => {
        stored = true;
        await this.files.put(fileKey, part.file, { fileName: part.filename, contentType: part.mimetype });
        fileName = part.filename || 'upload';
      });
      const { data, problems } = readForm(fields, fileName);
      if (problems.length) throw RpcError.validation(problems);
      // The form is checked above; this holds what the gateway itself adds (the key and the file's name) to the contract.
      const input = await validateData(CreateImportInput, { fileKey, fileName, ...data });
      return await callOperation(this.services, CreateImport, input, caller);
    } catch (error) {
      if (stored) await this.files.delete(fileKey).catch(() => false);
      throw tooLargeUpload(error);
    }
  }

  /**
   * Reads the start of the uploaded file (IMPORT_PREVIEW_BYTES) and drops the rest as it
   * arrives, then asks crm how it would import those first rows. Nothing is stored.
   */
  @Post('preview')
  @RequirePermission('imports:write')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: PreviewImport.pattern, summary: PreviewImport.summary, description: PreviewImport.description })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: PreviewImportForm })
  @ApiOkResponse({ type: ImportPreview })
  async preview(@Req() request: FastifyRequest, @Caller() caller: RequestContext): Promise<ImportPreview> {
    requireMultipart(request);
    let fileName: string | null = null;
    let file: { head: Buffer; complete: boolean } | null = null;
    let fields: Record<string, string>;
    try {
      fields = await readImportForm(request, async (part) => {
        fileName = part.filename || 'upload';
        file = await readHead(part.file, IMPORT_PREVIEW_BYTES);
      });
    } catch (error) {
      throw tooLargeUpload(error);
    }
    const { data, problems } = readForm(fields, fileName);
    if (problems.length) throw RpcError.validation(problems);
    // mode, lifecycleBackward and matchField change how rows merge, not how they read: a preview ignores them.
    const form = Object.fromEntries(Object.entries(data).filter(([name]) => ['entity', 'object', 'mapping', 'dateFormat'].includes(name)));
    const input = await validateData(PreviewImportInput, { ...form, fileName, content: file!.head.toString('base64'), complete: file!.complete });
    return callOperation(this.services, PreviewImport, input, caller);
  }

  /** Every bad row: its original cells, its line number and the reason, streamed page by page from crm. */
  @Get(':id/errors.csv')
  @RequirePermission('imports:write')
  @ApiOperation({
    operationId: ListImportErrors.pattern,
    summary: 'Download an import’s bad rows as CSV',
    description: 'Every row the import could not take, with its original cells, its line number and the reason, as one CSV file.',
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'The header of the file plus "line" and "error" columns; one line per bad row.' })
  @ApiNotFoundResponse({ description: 'No import with this id in the workspace (not_found).', type: ErrorResponse })
  async errors(@Param() params: RecordIdParams, @Caller() caller: RequestContext, @Res() reply: FastifyReply): Promise<void> {
    const fetchPage = (afterLine: number) => callOperation(this.services, ListImportErrors, { id: params.id, afterLine, limit: ERROR_PAGE }, caller);
    const first = await fetchPage(0);
    async function* lines(): AsyncGenerator<string> {
      yield stringify([[...first.columns, 'line', 'error']]);
      for (let page = first; ;) {
        if (page.errors.length)
          yield stringify(page.errors.map((error) => [...first.columns.map((_column, index) => error.values[index] ?? ''), error.line, error.message]));
        if (page.errors.length < ERROR_PAGE) return;
        page = await fetchPage(page.errors[page.errors.length - 1]!.line);
      }
    }
    void reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="import-${params.id}-errors.csv"`)
      .send(Readable.from(lines()));
  }
}
