import type { AuthRpc } from '@kinship/contracts';
import { IsString } from 'class-validator';

/**
 * The id of a record in the caller's workspace. Not checked as a UUID here: an id that is not
 * one names no record, and gets the same 404 as an unknown id (see isUuid in the services).
 */
export class IdDto implements AuthRpc.IdRequest {
  @IsString()
  id!: string;
}
