import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { CrmListQuery } from '@kinship/contracts/crm';

const STAGE_KINDS = ['open', 'won', 'lost'] as const;
const NAME_MAX = 200;
const STAGES_MAX = 50;

/** `/pipelines/:id`: any string; one that is not a pipeline's id is a 404 from the crm service. */
export class PipelineIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsString()
  @MaxLength(100)
  id!: string;
}

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
  kind!: string;
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

export class StageResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 100 }) probability!: number;
  @ApiProperty({ type: 'integer', description: '0-based place on the board.' }) position!: number;
  @ApiProperty({ enum: STAGE_KINDS }) kind!: string;
}

export class PipelineResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'Deals created without a pipelineId go here.' }) isDefault!: boolean;
  @ApiProperty({ type: [StageResponse], description: 'Live stages in board order.' }) stages!: StageResponse[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deletedAt!: string | null;
}

export class PipelinePageResponse {
  @ApiProperty({ type: [PipelineResponse] }) data!: PipelineResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
