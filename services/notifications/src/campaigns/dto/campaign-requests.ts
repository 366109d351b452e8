import { ListCampaignRecipientsQuery, UpdateCampaignBody } from '@kinship/contracts/notifications';
import { IsString } from 'class-validator';

// What the gateway sends for a route with an `:id`: the contract's body or query with the id merged
// in. Not checked as a UUID: an id that is not one names no campaign and gets the same 404.

export class UpdateCampaignRequest extends UpdateCampaignBody {
  @IsString()
  id!: string;
}

export class ListCampaignRecipientsRequest extends ListCampaignRecipientsQuery {
  @IsString()
  id!: string;
}
