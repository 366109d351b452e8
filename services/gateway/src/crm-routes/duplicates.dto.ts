import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { Contact as ContactResponse } from '@kinship/contracts/crm';

const REASONS = ['email', 'phone', 'name_company'] as const;

export class ListDuplicatesQuery {
  @ApiPropertyOptional({ enum: REASONS, description: 'Only groups of this reason; by default email, then phone, then name_company.' })
  @IsOptional()
  @IsIn(REASONS)
  reason?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 200, default: 50, description: 'Groups per page.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page.', maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  cursor?: string;
}

export class DuplicateGroupResponse {
  @ApiProperty({ enum: REASONS, description: 'What the contacts share: email (trimmed, any case), phone, or first and last name (any case) at the same company.' })
  reason!: string;

  @ApiProperty({ type: 'integer', description: 'How many live contacts share it; contacts lists the oldest 50.' })
  count!: number;

  @ApiProperty({ type: [ContactResponse], description: 'Oldest first.' })
  contacts!: ContactResponse[];
}

export class DuplicatePageResponse {
  @ApiProperty({ type: [DuplicateGroupResponse] }) data!: DuplicateGroupResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class MergeContactsBody {
  @ApiProperty({ format: 'uuid', description: 'The contact merged into /contacts/:id and then deleted.' })
  @IsString()
  @MaxLength(100)
  otherId!: string;
}
