import { API_KEY_SCOPES, type AuthRpc } from '@kinship/contracts';
import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, IsIn } from 'class-validator';
import { IsName } from '../../common/fields.js';

export class CreateApiKeyDto implements AuthRpc.CreateApiKeyRequest {
  @IsName()
  name!: string;

  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @ArrayMaxSize(API_KEY_SCOPES.length)
  @IsIn(API_KEY_SCOPES, { each: true, message: `each value in scopes must be one of: ${API_KEY_SCOPES.join(', ')}` })
  scopes!: string[];
}
