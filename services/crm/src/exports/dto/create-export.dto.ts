import { IsIn, IsOptional } from 'class-validator';
import { EXPORT_ENTITIES, type ExportEntity } from '../export-entities.js';
import { EXPORT_FORMATS, type ExportFormat } from '../export-file.js';

/** POST /exports. The filter is checked by the service against the entity's list filters. */
export class CreateExportDto {
  @IsIn(EXPORT_ENTITIES)
  entity!: ExportEntity;

  @IsOptional()
  filter?: unknown;

  @IsIn(EXPORT_FORMATS)
  format!: ExportFormat;
}
