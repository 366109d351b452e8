import { applyDecorators } from '@nestjs/common';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, IsUrl, MaxLength, ValidateIf } from 'class-validator';
import { SUBSCRIBABLE_EVENTS } from '../webhook-event-types.js';
import { PageDto } from '@kinship/messaging';

const URL_MAX = 2048;
const DESCRIPTION_MAX = 500;

/** Absent leaves the value unchanged; null is not a value. */
const Omittable = () => ValidateIf((_object: object, value: unknown) => value !== undefined);

function UrlField(): PropertyDecorator {
  return applyDecorators(
    IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'must be an http:// or https:// URL' }),
    MaxLength(URL_MAX),
  );
}

function EventsField(): PropertyDecorator {
  return applyDecorators(
    IsArray(),
    ArrayMinSize(1, { message: 'must name at least one event type' }),
    ArrayMaxSize(SUBSCRIBABLE_EVENTS.length),
    ArrayUnique(),
    IsIn(SUBSCRIBABLE_EVENTS, { each: true, message: 'must hold event types that webhooks deliver (see docs/webhooks.md), or "*"' }),
  );
}

export class CreateWebhookEndpointDto {
  @UrlField()
  url!: string;

  @EventsField()
  events!: string[];

  @IsOptional()
  @IsString()
  @MaxLength(DESCRIPTION_MAX)
  description?: string | null;
}

export class UpdateWebhookEndpointDto {
  @IsString()
  id!: string;

  @Omittable()
  @UrlField()
  url?: string;

  @Omittable()
  @EventsField()
  events?: string[];

  @IsOptional()
  @IsString()
  @MaxLength(DESCRIPTION_MAX)
  description?: string | null;

  /** true re-enables an endpoint that was disabled (by hand or after repeated failures). */
  @Omittable()
  @IsBoolean()
  active?: boolean;
}

/** Not checked as a UUID: an id that is not one names no endpoint and gets the same 404. */
export class WebhookEndpointIdDto {
  @IsString()
  id!: string;
}

export class ListWebhookEndpointsDto extends PageDto {}

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;

export class ListWebhookDeliveriesDto extends PageDto {
  @IsString()
  id!: string;

  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: (typeof DELIVERY_STATUSES)[number] | null;
}
