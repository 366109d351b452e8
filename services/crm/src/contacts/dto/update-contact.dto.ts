import { IsString, MaxLength } from 'class-validator';
import { ContactFieldsDto } from './contact-fields.js';

/** PATCH /contacts/:id: absent fields stay as they are, null clears a nullable one. */
export class UpdateContactDto extends ContactFieldsDto {
  /** Any string: an id that is not a UUID is a contact that does not exist (404). */
  @IsString()
  @MaxLength(100)
  id!: string;
}
