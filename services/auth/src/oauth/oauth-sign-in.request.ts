import { OAuthBody } from '@kinship/contracts/auth';
import { IsString, MaxLength } from 'class-validator';

/** What the gateway sends: the contract's body with the `:provider` merged in. An unknown provider gets a 404, whatever its shape. */
export class OAuthSignInRequest extends OAuthBody {
  @IsString()
  @MaxLength(50)
  provider!: string;
}
