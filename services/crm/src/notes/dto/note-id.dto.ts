import { IsString, MaxLength } from 'class-validator';

/** `/notes/:id`: any string; one that is not a UUID is simply not found (404). */
export class NoteIdDto {
  @IsString()
  @MaxLength(100)
  id!: string;
}
