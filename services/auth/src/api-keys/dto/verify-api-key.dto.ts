import type { AuthRpc } from '@kinship/contracts';
import { IsString } from 'class-validator';

/** Any string: a key that is not one of ours is refused like an unknown one (401), not as bad input. */
export class VerifyApiKeyDto implements AuthRpc.VerifyApiKeyRequest {
  @IsString()
  key!: string;
}
