import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { NAME_MAX } from '../limits.js';
import { defineOperation } from '../operation.js';
import { CrmListQuery, NOT_FOUND, RecordIdParams } from './common.js';

export const STAGE_KINDS = ['open', 'won', 'lost'] as const;
export type StageKind = (typeof STAGE_KINDS)[number];
export const STAGES_MAX = 50;

export class StageBody {
  @ApiPropertyOptional({ format: 'uuid', description: 'PATCH: an existing stage of the pipeline, to rename or move it. Absent: a new stage.' })
  @IsOptional()
  @IsUUID('all')
  id?: string;

  @ApiProperty({ maxLength: NAME_MAX, example: 'Proposal' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(NAME_MAX)
  name!: string;

  @ApiProperty({ type: 'integer', minimum: 0, maximum: 100, description: 'Chance of winning a deal in this stage, in percent (weighted forecasts).' })
  @IsInt()
  @Min(0)
  @Max(100)
  probability!: number;

  @ApiProperty({ enum: STAGE_KINDS, description: 'won and lost stages close a deal (closedAt); lost needs a reason.' })
  @IsIn(STAGE_KINDS)
  kind!: StageKind;
}

export class CreatePipelineBody {
  @ApiProperty({ maxLength: NAME_MAX, example: 'Renewals', description: 'Unique among the workspace’s live pipelines (409).' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(NAME_MAX)
  name!: string;

  @ApiProperty({
    type: [StageBody],
    minItems: 3,
    maxItems: STAGES_MAX,
    description: 'In board order (positions follow it). At least one open, one won and one lost stage; names unique in the pipeline.',
  })
  @IsArray()
  @ArrayMinSize(3)
  @ArrayMaxSize(STAGES_MAX)
  @ValidateNested({ each: true })
  @Type(() => StageBody)
  stages!: StageBody[];
}

export class UpdatePipelineBody {
  @ApiPropertyOptional({ maxLength: NAME_MAX })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(NAME_MAX)
  name?: string;

  @ApiPropertyOptional({
    type: [StageBody],
    minItems: 3,
    maxItems: STAGES_MAX,
    description:
      'The whole new board, in order: stages with id are updated and moved, without id added, left out removed. Removing a stage that holds live deals, or changing its kind, is a 409 naming it.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(3)
  @ArrayMaxSize(STAGES_MAX)
  @ValidateNested({ each: true })
  @Type(() => StageBody)
  stages?: StageBody[];
}

export class ListPipelinesQuery extends CrmListQuery {}

export class Stage {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 100 }) probability!: number;
  @ApiProperty({ type: 'integer', description: '0-based place on the board.' }) position!: number;
  @ApiProperty({ enum: STAGE_KINDS }) kind!: StageKind;
}

export class Pipeline {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'Deals created without a pipelineId go here.' }) isDefault!: boolean;
  @ApiProperty({ type: [Stage], description: 'Live stages in board order.' }) stages!: Stage[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deletedAt!: string | null;
}

export class PipelinePage {
  @ApiProperty({ type: [Pipeline] }) data!: Pipeline[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

const NAME_TAKEN = { status: 409, description: 'A live pipeline of the workspace has the name.' } as const;

export const CreatePipeline = defineOperation({
  pattern: 'crm.pipelines.create',
  summary: 'Create a pipeline',
  description: '409 when a live pipeline has the name.',
  permission: 'pipelines:write',
  route: { method: 'POST', path: 'pipelines', status: 201 },
  input: CreatePipelineBody,
  output: Pipeline,
  errors: [NAME_TAKEN],
});

export const ListPipelines = defineOperation({
  pattern: 'crm.pipelines.list',
  summary: 'List pipelines',
  description: 'Sort by createdAt (default) or name.',
  permission: 'pipelines:read',
  route: { method: 'GET', path: 'pipelines', status: 200 },
  input: ListPipelinesQuery,
  output: PipelinePage,
  errors: [],
});

export const GetPipeline = defineOperation({
  pattern: 'crm.pipelines.get',
  summary: 'Read a pipeline',
  description: 'Live or deleted (deletedAt set); stages in board order.',
  permission: 'pipelines:read',
  route: { method: 'GET', path: 'pipelines/:id', status: 200 },
  params: RecordIdParams,
  output: Pipeline,
  errors: [NOT_FOUND],
});

export const UpdatePipeline = defineOperation({
  pattern: 'crm.pipelines.update',
  summary: 'Change a pipeline',
  description: 'Renames it or replaces its board; a removed stage that holds live deals, or a changed kind, is a 409 naming it.',
  permission: 'pipelines:write',
  route: { method: 'PATCH', path: 'pipelines/:id', status: 200 },
  params: RecordIdParams,
  input: UpdatePipelineBody,
  output: Pipeline,
  errors: [NOT_FOUND, { status: 409, description: 'The name is taken, or a stage to remove or change holds live deals.' }],
});

export const DeletePipeline = defineOperation({
  pattern: 'crm.pipelines.delete',
  summary: 'Delete a pipeline',
  description: 'Soft delete. 409 while live deals are in the pipeline, and for the default pipeline.',
  permission: 'pipelines:write',
  route: { method: 'DELETE', path: 'pipelines/:id', status: 204 },
  params: RecordIdParams,
  errors: [NOT_FOUND, { status: 409, description: 'Live deals are in the pipeline, or it is the default pipeline.' }],
});

export const RestorePipeline = defineOperation({
  pattern: 'crm.pipelines.restore',
  summary: 'Restore a deleted pipeline',
  description: '409 when a live pipeline has taken the name meanwhile.',
  permission: 'pipelines:write',
  route: { method: 'POST', path: 'pipelines/:id/restore', status: 200 },
  params: RecordIdParams,
  output: Pipeline,
  errors: [NOT_FOUND, NAME_TAKEN],
});

export const MakeDefaultPipeline = defineOperation({
  pattern: 'crm.pipelines.make-default',
  summary: 'Make a pipeline the default',
  description: 'Deals created without a pipelineId go to it; the previous default stops being it.',
  permission: 'pipelines:write',
  route: { method: 'POST', path: 'pipelines/:id/default', status: 200 },
  params: RecordIdParams,
  output: Pipeline,
  errors: [NOT_FOUND],
});

export const PIPELINE_OPERATIONS = [CreatePipeline, ListPipelines, GetPipeline, UpdatePipeline, DeletePipeline, RestorePipeline, MakeDefaultPipeline] as const;
