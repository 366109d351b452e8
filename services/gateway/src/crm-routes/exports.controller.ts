import { Controller, Get, Headers, Param, Res, StreamableFile } from '@nestjs/common';
import { ApiGoneResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Export, GetExport, RecordIdParams } from '@kinship/contracts/crm';
import { callOperation, RpcError, ServiceClient } from '@kinship/messaging';
import type { RequestContext } from '@kinship/observability';
import { FileStore } from '@kinship/platform';
import type { FastifyReply } from 'fastify';
import { RequirePermission } from '../access/route-access.js';
import { Caller } from '../http/caller-context.js';
import { ErrorResponse } from '../http/error-response.dto.js';

/** A client that names JSON among what it accepts polls the status; anything else (a browser, curl) wants the file. */
function wantsStatus(accept: string | undefined): boolean {
  return (accept ?? '').toLowerCase().includes('application/json');
}

@ApiTags('exports')
/** GET /exports/:id answers the file itself once there is one: the one exports route the contract controller cannot serve. */
@Controller('exports')
export class ExportFileController {
  constructor(
    private readonly services: ServiceClient,
    private readonly files: FileStore,
  ) {}

  @Get(':id')
  @RequirePermission('exports:write')
  @ApiOperation({ operationId: GetExport.pattern, summary: GetExport.summary, description: GetExport.description })
  @ApiProduces('application/json', 'text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiOkResponse({
    type: Export,
    description:
      'The status while the export runs (or failed); once completed, the file itself (Content-Disposition: attachment) — unless the request ' +
      'sends Accept: application/json, which always gets the status. 410 export_expired when the file has been removed.',
  })
  @ApiNotFoundResponse({ description: 'No export with this id in the workspace (not_found).', type: ErrorResponse })
  @ApiGoneResponse({ description: 'The export’s file has been removed after its retention (export_expired).', type: ErrorResponse })
  async get(
    @Param() params: RecordIdParams,
    @Headers('accept') accept: string | undefined,
    @Caller() caller: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Export | StreamableFile> {
    const { fileKey, ...status } = await callOperation(this.services, GetExport, { id: params.id }, caller);
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
