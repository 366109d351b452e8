import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../fields.js';
import { defineOperation } from '../operation.js';

export class ListAuditLogsQuery extends PageQuery {
  @ApiPropertyOptional({ type: String, format: 'uuid', description: 'Entries the user made, or that were done to them.' })
  @IsOptional()
  @IsUUID('all')
  userId?: string | null;

  @ApiPropertyOptional({ type: String, example: 'user.role_changed', maxLength: 100 })
  @IsOptional()
  @MaxLength(100)
  @Matches(/^[a-z_]+(\.[a-z_]+)*$/, { message: 'must be an action such as user.signed_in' })
  action?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'From this time on (inclusive).' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Before this time.' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string | null;
}

export class AuditLogResponse {
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

export class AuditLogPageResponse {
  @ApiProperty({ type: [AuditLogResponse] }) data!: AuditLogResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor?: string | null;
}

export const ListAuditLogs = defineOperation({
  pattern: 'auth.audit-logs.list',
  summary: 'List the audit log',
  description: 'Who did what in the workspace (sign-ins, role changes, keys, deletions), newest first.',
  permission: 'audit-logs:read',
  route: { method: 'GET', path: 'audit-logs', status: 200 },
  input: ListAuditLogsQuery,
  output: AuditLogPageResponse,
  errors: [],
});

export const AUDIT_LOG_OPERATIONS = [ListAuditLogs] as const;
