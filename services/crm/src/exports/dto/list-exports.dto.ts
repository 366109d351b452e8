import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Max, Min, MaxLength } from 'class-validator';
import { MAX_PAGE_SIZE } from '../../common/list-query.js';
import { EXPORT_ENTITIES, type ExportEntity } from '../export-entities.js';
import { EXPORT_STATUSES, type ExportStatus } from '../exports.repository.js';

/** GET /exports: the workspace's exports, newest first. */
export class ListExportsDto {
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number | null;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  cursor?: string | null;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(EXPORT_STATUSES.length)
  @IsIn(EXPORT_STATUSES, { each: true })
  status?: ExportStatus[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(EXPORT_ENTITIES.length)
  @IsIn(EXPORT_ENTITIES, { each: true })
  entity?: ExportEntity[];
}
