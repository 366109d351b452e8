import type { NotificationsRpc } from '@kinship/contracts';
import { IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';

export const SUBJECT_MAX = 300;
export const BODY_MAX = 100_000;

/** The id of a template is its key; an unknown one is a 404, checked by the service. */
export class TemplateIdDto implements NotificationsRpc.EmailTemplateIdRequest {
  @IsString()
  id!: string;
}

export class CreateTemplateDto implements NotificationsRpc.CreateEmailTemplateRequest {
  /** Checked against the known keys by the service, which names them in its 422. */
  @IsString()
  key!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(SUBJECT_MAX)
  subject!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(BODY_MAX)
  body!: string;
}

export class UpdateTemplateDto extends TemplateIdDto implements NotificationsRpc.UpdateEmailTemplateRequest {
  @ValidateIf((_dto: object, value: unknown) => value !== undefined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(SUBJECT_MAX)
  subject?: string;

  @ValidateIf((_dto: object, value: unknown) => value !== undefined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(BODY_MAX)
  body?: string;
}

export class PreviewTemplateDto extends TemplateIdDto implements NotificationsRpc.PreviewEmailTemplateRequest {
  /** Placeholder values over the template's sample data. */
  @IsOptional()
  @IsObject()
  data?: Record<string, unknown> | null;

  /** A draft to preview instead of the saved subject. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(SUBJECT_MAX)
  subject?: string;

  /** A draft to preview instead of the saved body. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(BODY_MAX)
  body?: string;
}
