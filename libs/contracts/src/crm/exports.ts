import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import { defineOperation } from '../operation.js';
import { CrmPageQuery, NOT_FOUND, QueryList, RecordIdParams } from './common.js';

/** `records`: the records of one custom object, named by `object`. */
export const EXPORT_ENTITIES = ['contacts', 'companies', 'deals', 'records'] as const;
export type ExportEntity = (typeof EXPORT_ENTITIES)[number];
export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const EXPORT_STATUSES = ['queued', 'processing', 'completed', 'failed'] as const;
export type ExportStatus = (typeof EXPORT_STATUSES)[number];

/**
 * Ids an export's `id` filter takes: any selection a user makes in a list (GET /<entity>?id= takes
 * BULK_IDS_MAX, in a query string). 10,000 ids are 390 KB of JSON, within the gateway's 1 MiB body
 * and NATS's 1 MiB message; an export's answer counts them (`selected`) instead of repeating them.
 */
export const EXPORT_IDS_MAX = 10_000;

export class CreateExportBody {
  @ApiProperty({ enum: EXPORT_ENTITIES })
  @IsIn(EXPORT_ENTITIES)
  entity!: ExportEntity;

  @ApiPropertyOptional({
    example: 'property',
    description: 'With entity "records" (and only then, else 422): the key of a live custom object whose records are exported (else 422 naming object).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  object?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'The filters of GET /<entity> as JSON (e.g. lifecycleStage, ownerId, tags, createdAtFrom, customFields {key: condition} as GET /contacts takes it, q for the search, ' +
      'deleted: true for the trash); absent means every live record. Checked by the crm service: a bad condition is a 422 naming filter.<key>. ' +
      `id: the selected records, up to ${EXPORT_IDS_MAX} UUIDs (more: 422 naming filter.id). ` +
      'For records: {q, deleted, id, fields: <the filter of GET /objects/:object/records>} (a bad condition: 422 naming filter.fields.<key>).',
    example: { lifecycleStage: ['customer'], tags: ['vip'], q: 'acme' },
  })
  @IsOptional()
  @IsObject()
  filter?: Record<string, unknown>;

  @ApiProperty({ enum: EXPORT_FORMATS, description: 'csv: UTF-8, a header row, lists joined with ";". xlsx: one sheet (at most 1,048,575 rows).' })
  @IsIn(EXPORT_FORMATS)
  format!: ExportFormat;
}

export class ListExportsQuery extends CrmPageQuery {
  @ApiPropertyOptional({ type: [String], enum: EXPORT_STATUSES, description: 'One of these statuses (comma-separated).' })
  @IsOptional()
  @QueryList()
  @IsArray()
  @ArrayMaxSize(EXPORT_STATUSES.length)
  @IsIn(EXPORT_STATUSES, { each: true })
  status?: ExportStatus[];

  @ApiPropertyOptional({ type: [String], enum: EXPORT_ENTITIES, description: 'One of these entities (comma-separated).' })
  @IsOptional()
  @QueryList()
  @IsArray()
  @ArrayMaxSize(EXPORT_ENTITIES.length)
  @IsIn(EXPORT_ENTITIES, { each: true })
  entity?: ExportEntity[];
}

export class ExportCreated {
  @ApiProperty({ format: 'uuid', description: 'Poll GET /exports/:id with it.' }) id!: string;
  @ApiProperty({ enum: EXPORT_STATUSES }) status!: ExportStatus;
}

export class Export {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: EXPORT_ENTITIES }) entity!: ExportEntity;
  @ApiProperty({ type: String, nullable: true, description: 'The custom object of a records export; null otherwise.' }) object!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The filter as checked and stored, without the selected ids (see selected).' })
  filter!: Record<string, unknown>;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'How many ids the filter’s id named (an export of selected records; a page of exports would not hold 10,000 ids each); null without id.',
  })
  selected!: number | null;
  @ApiProperty({ enum: EXPORT_FORMATS }) format!: ExportFormat;
  @ApiProperty({ enum: EXPORT_STATUSES }) status!: ExportStatus;
  @ApiProperty({ type: 'integer', description: 'Rows written so far; every row once completed.' }) totalRows!: number;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Bytes of the file once completed.' }) size!: number | null;
  @ApiProperty({ example: 'contacts-20261121-031500.csv' }) fileName!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Why a failed export failed.' }) error!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) requestedBy!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) startedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) finishedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'When the file is removed (FILES_TTL_DAYS after completion).' })
  expiresAt!: string | null;
}

/** What crm answers the gateway, which serves the file itself once there is one. */
export class StoredExport extends Export {
  fileKey!: string | null;
}

export class ExportPage {
  @ApiProperty({ type: [Export] }) data!: Export[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export const CreateExport = defineOperation({
  pattern: 'crm.exports.create',
  summary: 'Export records to a file',
  description: 'The export is queued; poll GET /exports/:id. 422 names filter.<key> for a condition GET /<entity> would refuse.',
  permission: 'exports:write',
  route: { method: 'POST', path: 'exports', status: 202 },
  input: CreateExportBody,
  output: ExportCreated,
  errors: [],
});

export const ListExports = defineOperation({
  pattern: 'crm.exports.list',
  summary: 'List exports',
  description: 'The workspace’s exports, newest first.',
  permission: 'exports:write',
  route: { method: 'GET', path: 'exports', status: 200 },
  input: ListExportsQuery,
  output: ExportPage,
  errors: [],
});

/** Served by the gateway's exports controller, which answers the file itself once there is one (no route here). */
export const GetExport = defineOperation({
  pattern: 'crm.exports.get',
  summary: 'Read an export',
  description: 'The export with the key of its file.',
  permission: 'exports:write',
  params: RecordIdParams,
  output: StoredExport,
  errors: [NOT_FOUND],
});

export const EXPORT_OPERATIONS = [CreateExport, ListExports] as const;
