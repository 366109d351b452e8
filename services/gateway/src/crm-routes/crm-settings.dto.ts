import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';

export class CrmSettingsBody {
  @ApiProperty({ example: 'GB', pattern: '^[A-Za-z]{2}$', description: 'ISO 3166-1 alpha-2: how phone numbers typed without a country code are read.' })
  @IsString()
  @Matches(/^[A-Za-z]{2}$/, { message: 'defaultPhoneRegion must be an ISO 3166-1 alpha-2 country code' })
  defaultPhoneRegion!: string;
}

export class CrmSettingsResponse {
  @ApiProperty({ example: 'US' }) defaultPhoneRegion!: string;
}
