import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { defineOperation } from '../operation.js';
import { NOT_FOUND, RecordIdParams } from './common.js';
import { Contact } from './contacts.js';

export const DUPLICATE_REASONS = ['email', 'phone', 'name_company'] as const;
export type DuplicateReason = (typeof DUPLICATE_REASONS)[number];
export const DUPLICATE_PAGE_DEFAULT = 50;
export const DUPLICATE_PAGE_MAX = 200;

export class ListDuplicatesQuery {
  @ApiPropertyOptional({ enum: DUPLICATE_REASONS, description: 'Only groups of this reason; by default email, then phone, then name_company.' })
  @IsOptional()
  @IsIn(DUPLICATE_REASONS)
  reason?: DuplicateReason;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: DUPLICATE_PAGE_MAX, default: DUPLICATE_PAGE_DEFAULT, description: 'Groups per page.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(DUPLICATE_PAGE_MAX)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page.', maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  cursor?: string;
}

export class DuplicateGroup {
  @ApiProperty({
    enum: DUPLICATE_REASONS,
    description: 'What the contacts share: email (trimmed, any case), phone, or first and last name (any case) at the same company.',
  })
  reason!: DuplicateReason;

  @ApiProperty({ type: 'integer', description: 'How many live contacts share it; contacts lists the oldest 50.' })
  count!: number;

  @ApiProperty({ type: [Contact], description: 'Oldest first.' })
  contacts!: Contact[];
}

export class DuplicatePage {
  @ApiProperty({ type: [DuplicateGroup] }) data!: DuplicateGroup[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class MergeContactsBody {
  @ApiProperty({ format: 'uuid', description: 'The contact merged into /contacts/:id and then deleted.' })
  @IsString()
  @MaxLength(100)
  otherId!: string;
}

export const ListDuplicates = defineOperation({
  pattern: 'crm.contacts.duplicates',
  summary: 'List groups of duplicate contacts',
  description: 'Groups of live contacts that share an email, a phone, or a name at the same company.',
  permission: 'contacts:read',
  route: { method: 'GET', path: 'contacts/duplicates', status: 200 },
  input: ListDuplicatesQuery,
  output: DuplicatePage,
  errors: [],
});

export const MergeContacts = defineOperation({
  pattern: 'crm.contacts.merge',
  summary: 'Merge a contact into another',
  description:
    'The survivor after the merge: it keeps its fields and takes the other’s where its own are empty, unions tags, adds custom fields; ' +
    'notes, tasks, deals and segment memberships move to it; the other is deleted. Members must own both.',
  permission: 'contacts:write',
  route: { method: 'POST', path: 'contacts/:id/merge', status: 200 },
  params: RecordIdParams,
  input: MergeContactsBody,
  output: Contact,
  errors: [NOT_FOUND],
});

export const DUPLICATE_OPERATIONS = [ListDuplicates, MergeContacts] as const;
