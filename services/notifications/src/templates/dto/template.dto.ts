import { PreviewEmailTemplateBody, UpdateEmailTemplateBody } from '@kinship/contracts/notifications';
import { IsString } from 'class-validator';

// What the gateway sends for a route with an `:id`: the contract's body with the template key
// merged in. Not checked further here: an unknown key is the service's 404.

export class UpdateTemplateRequest extends UpdateEmailTemplateBody {
  @IsString()
  id!: string;
}

export class PreviewTemplateRequest extends PreviewEmailTemplateBody {
  @IsString()
  id!: string;
}
