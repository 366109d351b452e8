import { ListWebhookDeliveriesQuery, UpdateWebhookEndpointBody } from '@kinship/contracts/notifications';
import { IsString } from 'class-validator';

// What the gateway sends for a route with an `:id`: the contract's body or query with the id merged
// in. Not checked as a UUID: an id that is not one names no endpoint and gets the same 404.

export class UpdateWebhookEndpointRequest extends UpdateWebhookEndpointBody {
  @IsString()
  id!: string;
}

export class ListWebhookDeliveriesRequest extends ListWebhookDeliveriesQuery {
  @IsString()
  id!: string;
}
