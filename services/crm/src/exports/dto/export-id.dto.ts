import { IsString, MaxLength } from 'class-validator';

/** `{id}` of GET /exports/:id; an id that is not a UUID is simply not found (404). */
export class ExportIdDto {
  @IsString()
  @MaxLength(100)
  id!: string;
}
