import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { AuthRpc } from '@kinship/contracts';
import { IsISO8601, IsOptional, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageQuery } from './fields.js';

export class ListAuditLogsQuery extends PageQuery implements AuthRpc.ListAuditLogsRequest {
  @ApiPropertyOptional({ format: 'uuid', description: 'Entries this user caused.' })
  @IsOptional()
  @IsUUID('all')
  userId?: string;

  @ApiPropertyOptional({ example: 'user.role_changed' })
  @IsOptional()
  @MaxLength(100)
  @Matches(/^[a-z_]+(\.[a-z_]+)*$/, { message: 'must be an action such as user.signed_in' })
  action?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'From this time on (inclusive).' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Before this time.' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class AuditLogResponse implements AuthRpc.AuditLog {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null for an anonymous actor (a failed sign-in of an unknown email).' })
  actorId?: string | null;
  @ApiProperty({ example: 'user.signed_in' }) action!: string;
  @ApiProperty({ type: String, nullable: true }) targetType?: string | null;
  @ApiProperty({ type: String, nullable: true }) targetId?: string | null;
  @ApiProperty({ type: String, nullable: true }) ip?: string | null;
  @ApiProperty({ type: String, nullable: true }) userAgent?: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) metadata!: Record<string, unknown> | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class AuditLogPageResponse implements AuthRpc.AuditLogPage {
  @ApiProperty({ type: [AuditLogResponse] }) data!: AuditLogResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor?: string | null;
}
