import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

/** `:id` of a product or an invoice. */
export class RecordIdParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') id!: string;
}

/** The 404 every operation on one record can answer. */
export const NOT_FOUND = { status: 404, description: 'No such record in the workspace (another workspace’s ids too).' } as const;
