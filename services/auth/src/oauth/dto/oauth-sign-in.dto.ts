import type { AuthRpc } from '@kinship/contracts';
import { IsString, MaxLength } from 'class-validator';

export class OAuthSignInDto implements AuthRpc.OAuthSignInRequest {
  @IsString()
  @MaxLength(50)
  provider!: string;

  /** ID tokens are a few kilobytes at most. */
  @IsString()
  @MaxLength(16384)
  idToken!: string;
}
