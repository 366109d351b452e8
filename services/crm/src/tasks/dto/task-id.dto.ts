import { IsString, MaxLength } from 'class-validator';

/** `/tasks/:id`: any string; one that is not a UUID is simply not found (404). */
export class TaskIdDto {
  @IsString()
  @MaxLength(100)
  id!: string;
}
