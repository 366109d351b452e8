import { IsString, MaxLength } from 'class-validator';

/** GET, DELETE and restore of one contact. */
export class ContactIdDto {
  /** Any string: an id that is not a UUID is a contact that does not exist (404). */
  @IsString()
  @MaxLength(100)
  id!: string;
}
