import { ContactFieldsDto } from './contact-fields.js';

/** POST /contacts. At least one of firstName, lastName, email and phone (checked by the service). */
export class CreateContactDto extends ContactFieldsDto {}
