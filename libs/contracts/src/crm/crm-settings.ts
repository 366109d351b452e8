import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { defineOperation } from '../operation.js';

export class CrmSettingsBody {
  @ApiProperty({ example: 'GB', pattern: '^[A-Za-z]{2}$', description: 'ISO 3166-1 alpha-2: how phone numbers typed without a country code are read.' })
  @IsString()
  @Matches(/^[A-Za-z]{2}$/, { message: 'defaultPhoneRegion must be an ISO 3166-1 alpha-2 country code' })
  defaultPhoneRegion!: string;
}

export class CrmSettings {
  @ApiProperty({ example: 'US' }) defaultPhoneRegion!: string;
}

export const GetCrmSettings = defineOperation({
  pattern: 'crm.settings.get',
  summary: 'Read the crm settings',
  description: 'How phone numbers typed without a country code are read in this workspace.',
  permission: 'contacts:read',
  route: { method: 'GET', path: 'crm-settings', status: 200 },
  output: CrmSettings,
  errors: [],
});

export const UpdateCrmSettings = defineOperation({
  pattern: 'crm.settings.update',
  summary: 'Change the crm settings',
  description: '422 when the region is not a country libphonenumber-js knows. Stored numbers stay as they are.',
  permission: 'crm-settings:manage',
  route: { method: 'PUT', path: 'crm-settings', status: 200 },
  input: CrmSettingsBody,
  output: CrmSettings,
  errors: [],
});

export const CRM_SETTINGS_OPERATIONS = [GetCrmSettings, UpdateCrmSettings] as const;
