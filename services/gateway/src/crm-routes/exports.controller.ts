import { Body, Controller, Get, Headers, HttpCode, HttpStatus, Param, Post, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { RpcError, ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { FileStore } from '@kinship/platform';
import type { FastifyReply } from 'fastify';
import { RequirePermission } from '../access/route-access.js';
import { Caller } from '../http/caller-context.js';
import { CreateExportBody, ExportCreatedResponse, ExportIdParams, ExportPageResponse, ExportResponse, ListExportsQuery } from './exports.dto.js';

type StoredExport = ExportResponse & { fileKey: string | null };

/** A client that names JSON among what it accepts polls the status; anything else (a browser, curl) wants the file. */
function wantsStatus(accept: string | undefined): boolean {
  return (accept ?? '').toLowerCase().includes('application/json');
}

@ApiTags('exports')
@Controller('exports')
export class ExportsController {
  constructor(
    private readonly services: ServiceClient,
    private readonly files: FileStore,
  ) {}

  @Post()
  @RequirePermission('exports:write')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({ type: ExportCreatedResponse, description: 'The export is queued; poll GET /exports/:id. 422 names filter.<key> for a condition GET /<entity> would refuse.' })
  async create(@Body() body: CreateExportBody, @Caller() caller: RequestContext): Promise<ExportCreatedResponse> {
    const created = await this.services.send<StoredExport>('crm.exports.create', body, caller);
    return { id: created.id, status: created.status };
  }

  @Get()
  @RequirePermission('exports:write')
  @ApiOkResponse({ type: ExportPageResponse, description: "The workspace's exports, newest first." })
  list(@Query() query: ListExportsQuery, @Caller() caller: RequestContext): Promise<ExportPageResponse> {
    return this.services.send('crm.exports.list', query, caller);
  }

  @Get(':id')
  @RequirePermission('exports:write')
  @ApiProduces('application/json', 'text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiOkResponse({
    type: ExportResponse,
    description:
      'The status while the export runs (or failed); once completed, the file itself (Content-Disposition: attachment) — unless the request ' +
      'sends Accept: application/json, which always gets the status. 410 export_expired when the file has been removed.',
  })
  async get(
    @Param() params: ExportIdParams,
    @Headers('accept') accept: string | undefined,
    @Caller() caller: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ExportResponse | StreamableFile> {
    const { fileKey, ...status } = await this.services.send<StoredExport>('crm.exports.get', { id: params.id }, caller);
    if (!fileKey || wantsStatus(accept)) return status;
    const stored = await this.files.get(fileKey);
    if (!stored) throw new RpcError(410, 'export_expired', 'The file of this export has been removed; ask for a new export.');
    void reply.header('Content-Type', stored.file.metadata.contentType ?? 'application/octet-stream');
    // The name is the service's own (entity, timestamp, format): plain ASCII, nothing to escape.
    void reply.header('Content-Disposition', `attachment; filename="${status.fileName}"`);
    void reply.header('Content-Length', String(stored.file.size));
    return new StreamableFile(stored.content);
  }
}
