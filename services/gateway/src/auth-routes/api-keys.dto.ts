import { ApiProperty } from '@nestjs/swagger';
import { API_KEY_SCOPES, type AuthRpc } from '@kinship/contracts';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class CreateApiKeyBody implements AuthRpc.CreateApiKeyRequest {
  @ApiProperty({ maxLength: 100, example: 'Zapier sync' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;

  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true, example: ['contacts:read'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(API_KEY_SCOPES.length)
  @ArrayUnique()
  @IsIn(API_KEY_SCOPES, { each: true })
  scopes!: string[];
}

export class ApiKeyResponse implements AuthRpc.ApiKey {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'The first characters of the key, to recognise it.' }) prefix!: string;
  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true }) scopes!: string[];
  @ApiProperty({ format: 'uuid' }) createdBy!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastUsedAt?: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revokedAt?: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class CreatedApiKeyResponse implements AuthRpc.CreatedApiKey {
  @ApiProperty({ type: ApiKeyResponse }) apiKey!: ApiKeyResponse;
  @ApiProperty({ description: 'The secret, for the X-Api-Key header. Shown this once; only a hash is kept.' }) key!: string;
}

export class ApiKeyPageResponse implements AuthRpc.ApiKeyPage {
  @ApiProperty({ type: [ApiKeyResponse] }) data!: ApiKeyResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor?: string | null;
}
