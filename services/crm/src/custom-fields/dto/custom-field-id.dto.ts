import { IsString, MaxLength } from 'class-validator';

/** GET, DELETE and restore of one definition. */
export class CustomFieldIdDto {
  /** Any string: an id that is not a UUID names no definition (404). */
  @IsString()
  @MaxLength(100)
  id!: string;
}
