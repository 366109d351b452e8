import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, IsUrl, MaxLength } from 'class-validator';
import { EVENT_TYPES, type EventType } from '../event-types.js';
import { Omittable, PageQuery } from '../fields.js';
import { defineOperation } from '../operation.js';
import { NOT_FOUND, NotificationsIdParams } from './common.js';

const URL_MAX = 2048;
const DESCRIPTION_MAX = 500;

/**
 * These events ask for a one-time link (invitation, password reset, email verification). They no
 * longer carry its token, but those published before did (docs/events.md), and who is being
 * invited or resetting a password is nobody else's business: they never leave Kinship.
 */
const WITHHELD_EVENT_TYPES: ReadonlySet<string> = new Set<EventType>(['user.invited', 'user.password_reset_requested', 'user.email_verification_requested']);

/** Every event type a partner endpoint may subscribe to. */
export const WEBHOOK_EVENT_TYPES = (Object.keys(EVENT_TYPES) as EventType[]).filter((type) => !WITHHELD_EVENT_TYPES.has(type));

/** Subscribes an endpoint to every type of WEBHOOK_EVENT_TYPES, those added later included. */
export const ALL_EVENTS = '*';

const SUBSCRIBABLE_EVENTS: readonly string[] = [ALL_EVENTS, ...WEBHOOK_EVENT_TYPES];
export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

const URL_DESCRIPTION = 'http:// or https://; must reach a public address (private, loopback and link-local ones are refused).';
const EVENTS_DESCRIPTION =
  'Event types to receive (docs/events.md), or "*" for every type webhooks deliver. user.invited, user.password_reset_requested and user.email_verification_requested are never delivered.';
const URL_RULE = IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'must be an http:// or https:// URL' });
const EVENTS_RULES = [
  IsArray(),
  ArrayMinSize(1, { message: 'must name at least one event type' }),
  ArrayMaxSize(SUBSCRIBABLE_EVENTS.length),
  ArrayUnique(),
  IsIn(SUBSCRIBABLE_EVENTS, { each: true, message: 'must hold event types that webhooks deliver (see docs/webhooks.md), or "*"' }),
];
const Events = (): PropertyDecorator => (target, key) => EVENTS_RULES.forEach((rule) => rule(target, key));

export class CreateWebhookEndpointBody {
  @ApiProperty({ format: 'uri', maxLength: URL_MAX, example: 'https://partner.example.com/kinship/webhooks', description: URL_DESCRIPTION })
  @URL_RULE
  @MaxLength(URL_MAX)
  url!: string;

  @ApiProperty({ type: [String], minItems: 1, example: ['contact.created', 'deal.won', 'invoice.paid'], description: EVENTS_DESCRIPTION })
  @Events()
  events!: string[];

  @ApiPropertyOptional({ type: String, maxLength: DESCRIPTION_MAX, nullable: true, example: 'Warehouse sync' })
  @IsOptional()
  @IsString()
  @MaxLength(DESCRIPTION_MAX)
  description?: string | null;
}

export class UpdateWebhookEndpointBody {
  @ApiPropertyOptional({ format: 'uri', maxLength: URL_MAX, description: URL_DESCRIPTION }) @Omittable() @URL_RULE @MaxLength(URL_MAX) url?: string;
  @ApiPropertyOptional({ type: [String], minItems: 1, description: EVENTS_DESCRIPTION }) @Omittable() @Events() events?: string[];

  @ApiPropertyOptional({ type: String, maxLength: DESCRIPTION_MAX, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(DESCRIPTION_MAX)
  description?: string | null;

  @ApiPropertyOptional({
    description: 'false stops deliveries (pending ones end as failed); true re-enables a disabled endpoint and resets its failure count.',
  })
  @Omittable()
  @IsBoolean()
  active?: boolean;
}

export class ListWebhookDeliveriesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: WEBHOOK_DELIVERY_STATUSES }) @IsOptional() @IsIn(WEBHOOK_DELIVERY_STATUSES) status?: WebhookDeliveryStatus | null;
}

export class WebhookEndpoint {
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

export class WebhookEndpointWithSecret extends WebhookEndpoint {
  @ApiProperty({ example: 'whsec_3q2-7wE…', description: 'Signs every delivery (Kinship-Signature). Shown on creation and rotation only; store it now.' })
  secret!: string;
}

export class WebhookEndpointPage {
  @ApiProperty({ type: [WebhookEndpoint] }) data!: WebhookEndpoint[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class WebhookAttempt {
  @ApiProperty({ description: '1 for the first attempt.' }) attempt!: number;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty() durationMs!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'The partner’s HTTP status; null when there was no answer.' }) responseStatus!: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'The first 1024 bytes of the answer.' }) responseBody!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Why the attempt failed; null when it succeeded.' }) error!: string | null;
}

export class WebhookDelivery {
  @ApiProperty({ format: 'uuid', description: 'Also sent as the Kinship-Delivery-Id header.' }) id!: string;
  @ApiProperty({ format: 'uuid' }) endpointId!: string;
  @ApiProperty({ format: 'uuid', description: 'The event’s id (Kinship-Event-Id): the same on every attempt.' }) eventId!: string;
  @ApiProperty({ example: 'deal.won' }) eventType!: string;
  @ApiProperty({ enum: WEBHOOK_DELIVERY_STATUSES }) status!: WebhookDeliveryStatus;
  @ApiProperty() attemptCount!: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the next attempt is due, while pending.' }) nextAttemptAt!:
    string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Of the last attempt.' }) responseStatus!: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'Of the last attempt, at most 1024 bytes.' }) responseBody!: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Of the last attempt.' }) durationMs!: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'Of the last attempt.' }) error!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completedAt!: string | null;
  @ApiProperty({ type: [WebhookAttempt] }) attempts!: WebhookAttempt[];
}

export class WebhookDeliveryPage {
  @ApiProperty({ type: [WebhookDelivery] }) data!: WebhookDelivery[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

const PERMISSION = 'webhooks:manage';
const REFUSED_ADDRESS = {
  status: 422,
  description: 'The body is not valid, or the URL’s address is not public (validation_failed); details name the field.',
} as const;

export const CreateWebhookEndpoint = defineOperation({
  pattern: 'notifications.webhook-endpoints.create',
  summary: 'Create a webhook endpoint',
  description: 'A partner URL that receives the chosen events, each delivery signed with a secret that is in this answer only.',
  permission: PERMISSION,
  route: { method: 'POST', path: 'webhook-endpoints', status: 201 },
  input: CreateWebhookEndpointBody,
  output: WebhookEndpointWithSecret,
  errors: [REFUSED_ADDRESS],
});

export const ListWebhookEndpoints = defineOperation({
  pattern: 'notifications.webhook-endpoints.list',
  summary: 'List webhook endpoints',
  description: 'The workspace’s endpoints, newest first (never their secrets).',
  permission: PERMISSION,
  route: { method: 'GET', path: 'webhook-endpoints', status: 200 },
  input: PageQuery,
  output: WebhookEndpointPage,
  errors: [],
});

export const GetWebhookEndpoint = defineOperation({
  pattern: 'notifications.webhook-endpoints.get',
  summary: 'Read a webhook endpoint',
  description: 'Its URL, events and state (never its secret).',
  permission: PERMISSION,
  route: { method: 'GET', path: 'webhook-endpoints/:id', status: 200 },
  params: NotificationsIdParams,
  output: WebhookEndpoint,
  errors: [NOT_FOUND],
});

export const UpdateWebhookEndpoint = defineOperation({
  pattern: 'notifications.webhook-endpoints.update',
  summary: 'Change a webhook endpoint',
  description: 'URL, events, description or active; absent fields stay.',
  permission: PERMISSION,
  route: { method: 'PATCH', path: 'webhook-endpoints/:id', status: 200 },
  params: NotificationsIdParams,
  input: UpdateWebhookEndpointBody,
  output: WebhookEndpoint,
  errors: [NOT_FOUND, REFUSED_ADDRESS],
});

export const DeleteWebhookEndpoint = defineOperation({
  pattern: 'notifications.webhook-endpoints.delete',
  summary: 'Delete a webhook endpoint',
  description: 'With its delivery log; nothing more is sent to it.',
  permission: PERMISSION,
  route: { method: 'DELETE', path: 'webhook-endpoints/:id', status: 204 },
  params: NotificationsIdParams,
  errors: [NOT_FOUND],
});

export const RotateWebhookSecret = defineOperation({
  pattern: 'notifications.webhook-endpoints.rotate-secret',
  summary: 'Rotate a webhook secret',
  description: 'The new secret, in this answer only, signs every attempt from now on; the old one stops at once.',
  permission: PERMISSION,
  route: { method: 'POST', path: 'webhook-endpoints/:id/rotate-secret', status: 200 },
  params: NotificationsIdParams,
  output: WebhookEndpointWithSecret,
  errors: [NOT_FOUND],
});

export const ListWebhookDeliveries = defineOperation({
  pattern: 'notifications.webhook-endpoints.deliveries',
  summary: 'List webhook deliveries',
  description: 'What was sent to the endpoint, newest first, each with its attempts.',
  permission: PERMISSION,
  route: { method: 'GET', path: 'webhook-endpoints/:id/deliveries', status: 200 },
  params: NotificationsIdParams,
  input: ListWebhookDeliveriesQuery,
  output: WebhookDeliveryPage,
  errors: [NOT_FOUND],
});

export const WEBHOOK_ENDPOINT_OPERATIONS = [
  CreateWebhookEndpoint,
  ListWebhookEndpoints,
  GetWebhookEndpoint,
  UpdateWebhookEndpoint,
  DeleteWebhookEndpoint,
  RotateWebhookSecret,
  ListWebhookDeliveries,
] as const;
