import { UpdateUserBody } from '@kinship/contracts/auth';
import { IsString } from 'class-validator';

/** What the gateway sends: the contract's body with the `:id` merged in, not checked as a UUID (an id that is not one gets the same 404). */
export class UpdateUserRequest extends UpdateUserBody {
  @IsString()
  id!: string;
}
