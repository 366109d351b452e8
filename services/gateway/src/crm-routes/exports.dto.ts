import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsIn, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../auth-routes/fields.js';
import { QueryList } from '@kinship/contracts/crm';

const ENTITIES = ['contacts', 'companies', 'deals'] as const;
const FORMATS = ['csv', 'xlsx'] as const;
const STATUSES = ['queued', 'processing', 'completed', 'failed'] as const;

export class CreateExportBody {
  @ApiProperty({ enum: ENTITIES })
  @IsIn(ENTITIES)
  entity!: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'The filters of GET /<entity> as JSON (e.g. lifecycleStage, ownerId, tags, createdAtFrom, customFields {key: value}, q for the search, ' +
      'deleted: true for the trash); absent means every live record. Checked by the crm service: a bad condition is a 422 naming filter.<key>.',
    example: { lifecycleStage: ['customer'], tags: ['vip'], q: 'acme' },
  })
  @IsOptional()
  @IsObject()
  filter?: Record<string, unknown>;

  @ApiProperty({ enum: FORMATS, description: 'csv: UTF-8, a header row, lists joined with ";". xlsx: one sheet (at most 1,048,575 rows).' })
  @IsIn(FORMATS)
  format!: string;
}

/** `/:id` of an export: any string, since an id that is not a UUID names no export and gets the same 404. */
export class ExportIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsString()
  @MaxLength(100)
  id!: string;
}

export class ListExportsQuery extends PageQuery {
  @ApiPropertyOptional({ type: [String], enum: STATUSES, description: 'One of these statuses (comma-separated).' })
  @IsOptional()
  @QueryList()
  @IsArray()
  @IsIn(STATUSES, { each: true })
  status?: string[];

  @ApiPropertyOptional({ type: [String], enum: ENTITIES, description: 'One of these entities (comma-separated).' })
  @IsOptional()
  @QueryList()
  @IsArray()
  @IsIn(ENTITIES, { each: true })
  entity?: string[];
}

export class ExportCreatedResponse {
  @ApiProperty({ format: 'uuid', description: 'Poll GET /exports/:id with it.' }) id!: string;
  @ApiProperty({ enum: STATUSES }) status!: string;
}

export class ExportResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ENTITIES }) entity!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The filter as checked and stored.' }) filter!: Record<string, unknown>;
  @ApiProperty({ enum: FORMATS }) format!: string;
  @ApiProperty({ enum: STATUSES }) status!: string;
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

export class ExportPageResponse {
  @ApiProperty({ type: [ExportResponse] }) data!: ExportResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
