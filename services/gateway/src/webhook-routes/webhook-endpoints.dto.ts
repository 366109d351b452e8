import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EVENT_TYPES } from '@kinship/contracts';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, IsUrl, MaxLength } from 'class-validator';
import { Omittable, PageQuery } from '../auth-routes/fields.js';

// Shape rules only: the notifications service decides which event types webhooks deliver (it
// withholds the ones asking for one-time links) and whether the URL's address may be reached.
const URL_MAX = 2048;
const DESCRIPTION_MAX = 500;
const EVENT_CHOICES = ['*', ...Object.keys(EVENT_TYPES)];
const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'];

const URL_DESCRIPTION = 'http:// or https://; must reach a public address (private, loopback and link-local ones are refused).';
const EVENTS_DESCRIPTION = 'Event types to receive (docs/events.md), or "*" for every type webhooks deliver. user.invited, user.password_reset_requested and user.email_verification_requested are never delivered.';

export class CreateWebhookEndpointBody {
  @ApiProperty({ format: 'uri', maxLength: URL_MAX, example: 'https://partner.example.com/kinship/webhooks', description: URL_DESCRIPTION })
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'must be an http:// or https:// URL' })
  @MaxLength(URL_MAX)
  url!: string;

  @ApiProperty({ type: [String], minItems: 1, example: ['contact.created', 'deal.won', 'invoice.paid'], description: EVENTS_DESCRIPTION })
  @IsArray()
  @ArrayMinSize(1, { message: 'must name at least one event type' })
  @ArrayMaxSize(EVENT_CHOICES.length)
  @ArrayUnique()
  @IsIn(EVENT_CHOICES, { each: true, message: 'must hold event types (see docs/events.md), or "*"' })
  events!: string[];

  @ApiPropertyOptional({ type: String, maxLength: DESCRIPTION_MAX, nullable: true, example: 'Warehouse sync' })
  @IsOptional()
  @IsString()
  @MaxLength(DESCRIPTION_MAX)
  description?: string | null;
}

export class UpdateWebhookEndpointBody {
  @ApiPropertyOptional({ format: 'uri', maxLength: URL_MAX, description: URL_DESCRIPTION })
  @Omittable()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'must be an http:// or https:// URL' })
  @MaxLength(URL_MAX)
  url?: string;

  @ApiPropertyOptional({ type: [String], minItems: 1, description: EVENTS_DESCRIPTION })
  @Omittable()
  @IsArray()
  @ArrayMinSize(1, { message: 'must name at least one event type' })
  @ArrayMaxSize(EVENT_CHOICES.length)
  @ArrayUnique()
  @IsIn(EVENT_CHOICES, { each: true, message: 'must hold event types (see docs/events.md), or "*"' })
  events?: string[];

  @ApiPropertyOptional({ type: String, maxLength: DESCRIPTION_MAX, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(DESCRIPTION_MAX)
  description?: string | null;

  @ApiPropertyOptional({ description: 'false stops deliveries (pending ones end as failed); true re-enables a disabled endpoint and resets its failure count.' })
  @Omittable()
  @IsBoolean()
  active?: boolean;
}

export class WebhookEndpointResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uri' }) url!: string;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty({ type: [String] }) events!: string[];
  @ApiProperty({ description: 'false when disabled by hand or after repeated failed deliveries.' }) active!: boolean;
  @ApiProperty({ type: String, nullable: true, example: '5 deliveries in a row failed every attempt' }) disabledReason!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) disabledAt!: string | null;
  @ApiProperty({ description: 'Deliveries in a row that failed every attempt; reset by a success or by re-enabling.' }) consecutiveFailures!: number;
  @ApiProperty({ format: 'uuid' }) createdBy!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class WebhookEndpointWithSecretResponse extends WebhookEndpointResponse {
  @ApiProperty({ example: 'whsec_3q2-7wE…', description: 'Signs every delivery (Kinship-Signature). Shown on creation and rotation only; store it now.' })
  secret!: string;
}

export class WebhookEndpointPageResponse {
  @ApiProperty({ type: [WebhookEndpointResponse] }) data!: WebhookEndpointResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class WebhookAttemptResponse {
  @ApiProperty({ description: '1 for the first attempt.' }) attempt!: number;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty() durationMs!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'The partner’s HTTP status; null when there was no answer.' }) responseStatus!: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'The first 1024 bytes of the answer.' }) responseBody!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Why the attempt failed; null when it succeeded.' }) error!: string | null;
}

export class WebhookDeliveryResponse {
  @ApiProperty({ format: 'uuid', description: 'Also sent as the Kinship-Delivery-Id header.' }) id!: string;
  @ApiProperty({ format: 'uuid' }) endpointId!: string;
  @ApiProperty({ format: 'uuid', description: 'The event’s id (Kinship-Event-Id): the same on every attempt.' }) eventId!: string;
  @ApiProperty({ example: 'deal.won' }) eventType!: string;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status!: string;
  @ApiProperty() attemptCount!: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the next attempt is due, while pending.' }) nextAttemptAt!: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Of the last attempt.' }) responseStatus!: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'Of the last attempt, at most 1024 bytes.' }) responseBody!: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Of the last attempt.' }) durationMs!: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'Of the last attempt.' }) error!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completedAt!: string | null;
  @ApiProperty({ type: [WebhookAttemptResponse] }) attempts!: WebhookAttemptResponse[];
}

export class WebhookDeliveryPageResponse {
  @ApiProperty({ type: [WebhookDeliveryResponse] }) data!: WebhookDeliveryResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class ListWebhookDeliveriesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: string;
}
