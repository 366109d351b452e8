import type { AuthRpc } from '@kinship/contracts';
import { IsIn, IsString } from 'class-validator';

export const ONE_TIME_LINK_KINDS = ['invitation', 'password_reset', 'email_verification'] as const;
export type OneTimeLinkKind = (typeof ONE_TIME_LINK_KINDS)[number];

/** Not checked as a UUID here: an id that is not one names no request, and gets the same 404. */
export class IssueOneTimeTokenDto implements AuthRpc.IssueOneTimeTokenRequest {
  @IsIn(ONE_TIME_LINK_KINDS)
  kind!: OneTimeLinkKind;

  @IsString()
  requestId!: string;
}
