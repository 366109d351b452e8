import { IsString, MaxLength } from 'class-validator';

/** PUT /crm-settings. The region is checked against libphonenumber-js by the service. */
export class UpdateCrmSettingsDto {
  @IsString()
  @MaxLength(2)
  defaultPhoneRegion!: string;
}
