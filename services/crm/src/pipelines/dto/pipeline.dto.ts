import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { ListDto } from '../../common/list.dto.js';

export const STAGE_KINDS = ['open', 'won', 'lost'] as const;
export type StageKind = (typeof STAGE_KINDS)[number];

export const MAX_STAGES = 50;

export class StageDto {
  /** An existing stage of the pipeline (PATCH); absent for a new stage. */
  @IsOptional()
  @IsUUID('all')
  id?: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @IsInt()
  @Min(0)
  @Max(100)
  probability!: number;

  @IsIn(STAGE_KINDS)
  kind!: StageKind;
}

export class CreatePipelineDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  /** In board order: positions follow the order of the array. */
  @IsArray()
  @ArrayMinSize(3)
  @ArrayMaxSize(MAX_STAGES)
  @ValidateNested({ each: true })
  @Type(() => StageDto)
  stages!: StageDto[];
}

export class UpdatePipelineDto {
  @IsString()
  id!: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  /** The whole new list of stages: with id updated and reordered, without id added, left out removed. */
  @IsOptional()
  @IsArray()
  @ArrayMinSize(3)
  @ArrayMaxSize(MAX_STAGES)
  @ValidateNested({ each: true })
  @Type(() => StageDto)
  stages?: StageDto[];
}

export class PipelineIdDto {
  /** Any string: an id that is not a UUID is simply not found (404). */
  @IsString()
  @MaxLength(100)
  id!: string;
}

export class ListPipelinesDto extends ListDto {}
