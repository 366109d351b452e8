import type { AuthRpc } from '@kinship/contracts';
import { IsString } from 'class-validator';

/** Not checked as a UUID here: an id that is not one names no user, and gets the same 404. */
export class RecipientDto implements AuthRpc.RecipientRequest {
  @IsString()
  userId!: string;
}
