import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsIn, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import { Omittable, PageQuery } from '../auth-routes/fields.js';
import { Contact as ContactResponse } from '@kinship/contracts/crm';
import { CrmListQuery } from '@kinship/contracts/crm';

const KINDS = ['static', 'dynamic'] as const;
const NAME_MAX = 200;
const CONTACT_IDS_MAX = 1000;

const FILTER_DESCRIPTION =
  'Dynamic segments only: the filters of GET /contacts as JSON — lifecycleStage[], ownerId[], companyId[], leadSource[], tags[] (has all), ' +
  'emailOptOut, smsOptOut, createdAtFrom/To, updatedAtFrom/To, customerSinceFrom/To, customFields {key: value}, q. ' +
  'Checked by the crm service; a bad condition is a 422 naming filter.<key>.';

const FILTER_EXAMPLE = { lifecycleStage: ['lead', 'customer'], tags: ['vip'], customFields: { tier: 'gold' } };

export class CreateSegmentBody {
  @ApiProperty({ minLength: 1, maxLength: NAME_MAX, example: 'VIP leads' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(NAME_MAX)
  name!: string;

  @ApiProperty({ enum: KINDS, description: 'static: a list of contacts; dynamic: whoever matches the filter when asked. Never changes.' })
  @IsIn(KINDS)
  kind!: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: FILTER_DESCRIPTION, example: FILTER_EXAMPLE })
  @IsOptional()
  @IsObject()
  filter?: Record<string, unknown>;

  @ApiPropertyOptional({ type: [String], maxItems: CONTACT_IDS_MAX, description: 'Static segments only: the first members, live contacts of the workspace.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(CONTACT_IDS_MAX)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  contactIds?: string[];
}

export class UpdateSegmentBody {
  @ApiPropertyOptional({ minLength: 1, maxLength: NAME_MAX })
  @Omittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(NAME_MAX)
  name?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: `Replaces the whole filter. ${FILTER_DESCRIPTION}` })
  @Omittable()
  @IsObject()
  filter?: Record<string, unknown>;
}

export class SegmentContactsBody {
  @ApiProperty({ type: [String], minItems: 1, maxItems: CONTACT_IDS_MAX, description: 'Contact ids; to add, live contacts of the workspace (422 naming contactIds otherwise).' })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(CONTACT_IDS_MAX)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  contactIds!: string[];
}

export class ListSegmentsQuery extends CrmListQuery {
  @ApiPropertyOptional({ enum: KINDS })
  @IsOptional()
  @IsIn(KINDS)
  kind?: string;
}

/** `?limit=&cursor=&sort=` of a segment's members; sort as GET /contacts (createdAt, updatedAt, lastName). */
export class SegmentMembersQuery extends PageQuery {
  @ApiPropertyOptional({ example: '-createdAt', maxLength: 64 })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  sort?: string;
}

export class SegmentResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: KINDS }) kind!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'Dynamic segments: the filter; null for static ones.' })
  filter!: Record<string, unknown> | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) createdBy!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deletedAt!: string | null;
}

export class SegmentPageResponse {
  @ApiProperty({ type: [SegmentResponse] }) data!: SegmentResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class SegmentMemberPageResponse {
  @ApiProperty({ type: [ContactResponse] }) data!: ContactResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class SegmentCountResponse {
  @ApiProperty({ type: 'integer', description: 'Live contacts in the segment now.' }) count!: number;
}
