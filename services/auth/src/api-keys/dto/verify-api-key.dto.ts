import type { AuthRpc } from '@kinship/contracts';
import { IsToken } from '../../common/fields.js';

export class VerifyApiKeyDto implements AuthRpc.VerifyApiKeyRequest {
  @IsToken()
  key!: string;
}
