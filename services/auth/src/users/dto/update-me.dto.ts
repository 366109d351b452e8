import type { AuthRpc } from '@kinship/contracts';
import { IsOptional, IsString, IsUrl, MaxLength } from 'class-validator';
import { IsEmailAddress, IsName } from '../../common/fields.js';
import { MAX_PASSWORD_LENGTH } from '../../passwords/password-policy.js';

/** Missing or null leaves a field as it is; except avatarUrl, where null removes the avatar. */
export class UpdateMeDto implements AuthRpc.UpdateMeRequest {
  @IsOptional()
  @IsName()
  name?: string | null;

  @IsOptional()
  @IsEmailAddress()
  email?: string | null;

  /** The rest of the policy: PasswordPolicy. */
  @IsOptional()
  @IsString()
  password?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_PASSWORD_LENGTH)
  currentPassword?: string | null;

  @IsOptional()
  @MaxLength(2048)
  @IsUrl({ protocols: ['https'], require_protocol: true })
  avatarUrl?: string | null;
}
