import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { NotificationsRpc } from '@kinship/contracts';
import { IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { Omittable } from '../auth-routes/fields.js';

// Shape rules only; the notifications service owns the rest (known keys, Handlebars syntax).
const SUBJECT_MAX = 300;
const BODY_MAX = 100_000;
const TEMPLATE_KEYS = ['invitation', 'password_reset', 'email_verification', 'email_change_requested', 'task_assigned', 'deal_won', 'invoice_sent', 'payment_received'];
const SUBJECT_DESCRIPTION = 'Handlebars, plain text: `{{placeholder}}` is replaced by its value.';
const BODY_DESCRIPTION =
  'Handlebars, HTML: `{{placeholder}}` is replaced by its value, HTML-escaped. Unescaped output (`{{{…}}}`) and partials are refused. ' +
  'Security templates (invitation, password_reset, email_verification) are not given their one-time link (acceptUrl, resetUrl, verifyUrl; 422 if used): ' +
  'Kinship appends it below the body in a fixed block, and drops style, script, form, frame and similar elements from the body.';

/** `/:id` of a template: its key, e.g. task_assigned. */
export class TemplateIdParams {
  @ApiProperty({ description: 'The template’s key.', example: 'task_assigned', maxLength: 64 })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'must be a template key, e.g. task_assigned' })
  id!: string;
}

export class EmailTemplateResponse implements NotificationsRpc.EmailTemplate {
  @ApiProperty({ description: 'The key; the same whether or not the workspace overrides the template.', example: 'task_assigned' }) id!: string;
  @ApiProperty({ enum: TEMPLATE_KEYS }) key!: string;
  @ApiProperty({ example: 'Task assigned' }) name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ description: SUBJECT_DESCRIPTION }) subject!: string;
  @ApiProperty({ description: BODY_DESCRIPTION }) body!: string;
  @ApiProperty({ description: 'true when the workspace sends the default.' }) isDefault!: boolean;
  @ApiProperty({ type: [String], description: 'The placeholders the template is given.', example: ['name', 'taskTitle', 'taskUrl'] }) variables!: string[];
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'When the override last changed; null for the default.' }) updatedAt?: string | null;
}

export class EmailTemplateListResponse implements NotificationsRpc.EmailTemplateList {
  @ApiProperty({ type: [EmailTemplateResponse] }) data!: EmailTemplateResponse[];
}

export class CreateEmailTemplateBody {
  @ApiProperty({ enum: TEMPLATE_KEYS, description: 'Which email to override; once per workspace.' })
  @IsString()
  @MaxLength(64)
  key!: string;

  @ApiProperty({ maxLength: SUBJECT_MAX, description: SUBJECT_DESCRIPTION })
  @IsString()
  @IsNotEmpty()
  @MaxLength(SUBJECT_MAX)
  subject!: string;

  @ApiProperty({ maxLength: BODY_MAX, description: BODY_DESCRIPTION })
  @IsString()
  @IsNotEmpty()
  @MaxLength(BODY_MAX)
  body!: string;
}

export class UpdateEmailTemplateBody {
  @ApiPropertyOptional({ maxLength: SUBJECT_MAX, description: SUBJECT_DESCRIPTION })
  @Omittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(SUBJECT_MAX)
  subject?: string;

  @ApiPropertyOptional({ maxLength: BODY_MAX, description: BODY_DESCRIPTION })
  @Omittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(BODY_MAX)
  body?: string;
}

export class PreviewEmailTemplateBody {
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Placeholder values; the template’s sample data fills in the rest.', example: { taskTitle: 'Call Charles' } })
  @IsOptional()
  @IsObject()
  data?: Record<string, unknown>;

  @ApiPropertyOptional({ maxLength: SUBJECT_MAX, description: 'A draft subject to preview instead of the saved one.' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(SUBJECT_MAX)
  subject?: string;

  @ApiPropertyOptional({ maxLength: BODY_MAX, description: 'A draft body to preview instead of the saved one.' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(BODY_MAX)
  body?: string;
}

export class RenderedEmailResponse implements NotificationsRpc.RenderedEmail {
  @ApiProperty() subject!: string;
  @ApiProperty() html!: string;
  @ApiProperty({ description: 'The plain-text part, generated from the HTML.' }) text!: string;
}
