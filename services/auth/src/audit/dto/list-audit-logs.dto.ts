import type { AuthRpc } from '@kinship/contracts';
import { IsISO8601, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageDto } from '@kinship/messaging';

export class ListAuditLogsDto extends PageDto implements AuthRpc.ListAuditLogsRequest {
  /** Entries the user made, or that were done to them. */
  @IsOptional()
  @IsUUID()
  userId?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  action?: string | null;

  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string | null;

  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string | null;
}
