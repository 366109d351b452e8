import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { defineOperation } from '../operation.js';

export const REBUILD_STATUSES = ['running', 'completed', 'failed'] as const;
export type RebuildStatus = (typeof REBUILD_STATUSES)[number];

export class RebuildIdParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') id!: string;
}

export class Rebuild {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: REBUILD_STATUSES }) status!: RebuildStatus;
  @ApiProperty({ type: 'integer', description: 'Stream messages to read: the stream’s last sequence when the rebuild started.' }) eventsTotal!: number;
  @ApiProperty({ type: 'integer', description: 'Stream messages read so far.' }) eventsRead!: number;
  @ApiProperty({ type: 'integer', description: 'Events of this workspace applied to the shadow read models so far.' }) eventsApplied!: number;
  @ApiProperty({ type: String, nullable: true, description: 'Why a failed rebuild stopped; the live read models were left as they were.' }) error!:
    string | null;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt!: string | null;
}

export const StartRebuild = defineOperation({
  pattern: 'reporting.rebuilds.start',
  summary: 'Rebuild the read models',
  description:
    'Replays the events stream into shadow read models of this workspace, then swaps them in in one transaction; reports go on answering from the live ones meanwhile. Follow it with GET /reports/rebuild/{id}.',
  permission: 'reports:rebuild',
  route: { method: 'POST', path: 'reports/rebuild', status: 201 },
  output: Rebuild,
  errors: [{ status: 409, description: 'A rebuild of this workspace is already running.' }],
});

export const GetRebuild = defineOperation({
  pattern: 'reporting.rebuilds.get',
  summary: 'Progress of a rebuild',
  description: 'Its status (running, completed, failed), the stream messages read and the events applied.',
  permission: 'reports:rebuild',
  route: { method: 'GET', path: 'reports/rebuild/:id', status: 200 },
  params: RebuildIdParams,
  output: Rebuild,
  errors: [{ status: 404, description: 'No such rebuild in this workspace.' }],
});

export const REBUILD_OPERATIONS = [StartRebuild, GetRebuild] as const;
