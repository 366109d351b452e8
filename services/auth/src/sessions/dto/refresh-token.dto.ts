import type { AuthRpc } from '@kinship/contracts';
import { IsToken } from '../../common/fields.js';

/** The body of refresh and of logout alike. */
export class RefreshTokenDto implements AuthRpc.RefreshRequest, AuthRpc.LogoutRequest {
  @IsToken()
  refreshToken!: string;
}
