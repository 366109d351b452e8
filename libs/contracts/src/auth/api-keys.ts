import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsString, Matches, MaxLength, ValidateBy } from 'class-validator';
import { API_KEY_SCOPES, API_KEY_SCOPES_MAX, isApiKeyScope } from '../access.js';
import { PageQuery } from '../fields.js';
import { defineOperation } from '../operation.js';
import { AuthIdParams } from './common.js';

const KEY_NAME_MAX = 100;
const SCOPES_DESCRIPTION =
  `Permissions the key acts with: ${API_KEY_SCOPES.join(', ')}; or records:read:<object> / records:write:<object> ` +
  '(the records of that custom object only, instead of every object as records:read / records:write give).';

export class CreateApiKeyBody {
  @ApiProperty({ minLength: 1, maxLength: KEY_NAME_MAX, example: 'Zapier sync' })
  @IsString()
  @MaxLength(KEY_NAME_MAX)
  @Matches(/\S/, { message: '$property must not be blank' })
  name!: string;

  @ApiProperty({ type: [String], description: SCOPES_DESCRIPTION, example: ['contacts:read', 'records:read:property'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(API_KEY_SCOPES_MAX)
  @ArrayUnique()
  @ValidateBy(
    { name: 'isApiKeyScope', validator: { validate: (value: unknown) => isApiKeyScope(value) } },
    { each: true, message: `each value in scopes must be one of: ${API_KEY_SCOPES.join(', ')}, or records:read:<object> / records:write:<object>` },
  )
  scopes!: string[];
}

export class ApiKeyResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'The first characters of the key, to recognise it.' }) prefix!: string;
  @ApiProperty({ type: [String], description: SCOPES_DESCRIPTION }) scopes!: string[];
  @ApiProperty({ format: 'uuid' }) createdBy!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastUsedAt?: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revokedAt?: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class CreatedApiKeyResponse {
  @ApiProperty({ type: ApiKeyResponse }) apiKey!: ApiKeyResponse;
  @ApiProperty({ description: 'The secret, for the X-Api-Key header. Shown this once; only a hash is kept.' }) key!: string;
}

export class ApiKeyPageResponse {
  @ApiProperty({ type: [ApiKeyResponse] }) data!: ApiKeyResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor?: string | null;
}

export const CreateApiKey = defineOperation({
  pattern: 'auth.api-keys.create',
  summary: 'Create an API key',
  description: 'A key for a partner or script, with scopes no wider than the creator’s role. The key is in the body this once; only its hash is kept.',
  permission: 'api-keys:manage',
  route: { method: 'POST', path: 'api-keys', status: 201 },
  input: CreateApiKeyBody,
  output: CreatedApiKeyResponse,
  errors: [],
});

export const ListApiKeys = defineOperation({
  pattern: 'auth.api-keys.list',
  summary: 'List API keys',
  description: 'The workspace’s keys (never the key itself), newest first.',
  permission: 'api-keys:manage',
  route: { method: 'GET', path: 'api-keys', status: 200 },
  input: PageQuery,
  output: ApiKeyPageResponse,
  errors: [],
});

export const RevokeApiKey = defineOperation({
  pattern: 'auth.api-keys.revoke',
  summary: 'Revoke an API key',
  description: 'The key is refused everywhere within 30 seconds (the gateway caches verified keys that long).',
  permission: 'api-keys:manage',
  route: { method: 'DELETE', path: 'api-keys/:id', status: 204 },
  params: AuthIdParams,
  errors: [{ status: 404, description: 'No API key with this id in the workspace.' }],
});

export const API_KEY_OPERATIONS = [CreateApiKey, ListApiKeys, RevokeApiKey] as const;
