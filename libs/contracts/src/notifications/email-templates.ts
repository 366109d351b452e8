import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { Omittable } from '../fields.js';
import { defineOperation } from '../operation.js';

// Shape rules only; the notifications service owns the rest (known keys, Handlebars syntax).
export const TEMPLATE_SUBJECT_MAX = 300;
export const TEMPLATE_BODY_MAX = 100_000;
const KEY_MAX = 64;
/** The keys of the emails the system sends; a workspace may override each, and no other. */
export const TEMPLATE_KEYS = [
  'invitation',
  'password_reset',
  'email_verification',
  'email_change_requested',
  'task_assigned',
  'deal_won',
  'invoice_sent',
  'payment_received',
  'refund_issued',
  'credit_note_issued',
  'report_delivery',
  'ticket_assigned',
  'ticket_sla',
] as const;
export type TemplateKey = (typeof TEMPLATE_KEYS)[number];
const SUBJECT_DESCRIPTION = 'Handlebars, plain text: `{{placeholder}}` is replaced by its value.';
const BODY_DESCRIPTION =
  'Handlebars, HTML: `{{placeholder}}` is replaced by its value, HTML-escaped. Unescaped output (`{{{…}}}`) and partials are refused. ' +
  'Security templates (invitation, password_reset, email_verification) are not given their one-time link (acceptUrl, resetUrl, verifyUrl; 422 if used): ' +
  'Kinship appends it below the body in a fixed block, and drops style, script, form, frame and similar elements from the body.';

/** `/:id` of a template: its key, e.g. task_assigned. */
export class TemplateIdParams {
  @ApiProperty({ description: 'The template’s key.', example: 'task_assigned', maxLength: KEY_MAX })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'must be a template key, e.g. task_assigned' })
  id!: string;
}

export class EmailTemplate {
  @ApiProperty({ description: 'The key; the same whether or not the workspace overrides the template.', example: 'task_assigned' }) id!: string;
  @ApiProperty({ enum: TEMPLATE_KEYS }) key!: string;
  @ApiProperty({ example: 'Task assigned' }) name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ description: SUBJECT_DESCRIPTION }) subject!: string;
  @ApiProperty({ description: BODY_DESCRIPTION }) body!: string;
  @ApiProperty({ description: 'true when the workspace sends the default.' }) isDefault!: boolean;
  @ApiProperty({ type: [String], description: 'The placeholders the template is given.', example: ['name', 'taskTitle', 'taskUrl'] }) variables!: string[];
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'When the override last changed; null for the default.' }) updatedAt?:
    string | null;
}

export class EmailTemplateList {
  @ApiProperty({ type: [EmailTemplate] }) data!: EmailTemplate[];
}

export class CreateEmailTemplateBody {
  /** Checked against the known keys by the service, which names them in its 422. */
  @ApiProperty({ enum: TEMPLATE_KEYS, description: 'Which email to override; once per workspace.' }) @IsString() @MaxLength(KEY_MAX) key!: string;
  @ApiProperty({ maxLength: TEMPLATE_SUBJECT_MAX, description: SUBJECT_DESCRIPTION })
  @IsString()
  @IsNotEmpty()
  @MaxLength(TEMPLATE_SUBJECT_MAX)
  subject!: string;
  @ApiProperty({ maxLength: TEMPLATE_BODY_MAX, description: BODY_DESCRIPTION }) @IsString() @IsNotEmpty() @MaxLength(TEMPLATE_BODY_MAX) body!: string;
}

export class UpdateEmailTemplateBody {
  @ApiPropertyOptional({ maxLength: TEMPLATE_SUBJECT_MAX, description: SUBJECT_DESCRIPTION })
  @Omittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(TEMPLATE_SUBJECT_MAX)
  subject?: string;

  @ApiPropertyOptional({ maxLength: TEMPLATE_BODY_MAX, description: BODY_DESCRIPTION })
  @Omittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(TEMPLATE_BODY_MAX)
  body?: string;
}

export class PreviewEmailTemplateBody {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Placeholder values; the template’s sample data fills in the rest.',
    example: { taskTitle: 'Call Charles' },
  })
  @IsOptional()
  @IsObject()
  data?: Record<string, unknown> | null;

  @ApiPropertyOptional({ maxLength: TEMPLATE_SUBJECT_MAX, description: 'A draft subject to preview instead of the saved one.' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(TEMPLATE_SUBJECT_MAX)
  subject?: string;

  @ApiPropertyOptional({ maxLength: TEMPLATE_BODY_MAX, description: 'A draft body to preview instead of the saved one.' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(TEMPLATE_BODY_MAX)
  body?: string;
}

export class RenderedEmail {
  @ApiProperty() subject!: string;
  @ApiProperty() html!: string;
  @ApiProperty({ description: 'The plain-text part, generated from the HTML.' }) text!: string;
}

const PERMISSION = 'email-templates:manage';
const NO_TEMPLATE = { status: 404, description: 'No template with this key.' } as const;
const TEMPLATE_REFUSED = {
  status: 422,
  description: 'Not a known key, not valid Handlebars, or a placeholder the template is not given (validation_failed); details name the field.',
} as const;

export const ListEmailTemplates = defineOperation({
  pattern: 'notifications.email-templates.list',
  summary: 'List email templates',
  description: 'Every template key, as the workspace sends it: its override, else the default.',
  permission: PERMISSION,
  route: { method: 'GET', path: 'email-templates', status: 200 },
  output: EmailTemplateList,
  errors: [],
});

export const GetEmailTemplate = defineOperation({
  pattern: 'notifications.email-templates.get',
  summary: 'Read an email template',
  description: 'The workspace’s override, else the default.',
  permission: PERMISSION,
  route: { method: 'GET', path: 'email-templates/:id', status: 200 },
  params: TemplateIdParams,
  output: EmailTemplate,
  errors: [NO_TEMPLATE],
});

export const CreateEmailTemplate = defineOperation({
  pattern: 'notifications.email-templates.create',
  summary: 'Override an email template',
  description: 'The workspace sends this template instead of the default from now on.',
  permission: PERMISSION,
  route: { method: 'POST', path: 'email-templates', status: 201 },
  input: CreateEmailTemplateBody,
  output: EmailTemplate,
  errors: [{ status: 409, description: 'The workspace already overrides this template; change it with PATCH.' }, TEMPLATE_REFUSED],
});

export const UpdateEmailTemplate = defineOperation({
  pattern: 'notifications.email-templates.update',
  summary: 'Change an email template',
  description: 'Changes the override, starting one from the default if there is none; absent fields stay.',
  permission: PERMISSION,
  route: { method: 'PATCH', path: 'email-templates/:id', status: 200 },
  params: TemplateIdParams,
  input: UpdateEmailTemplateBody,
  output: EmailTemplate,
  errors: [NO_TEMPLATE, TEMPLATE_REFUSED],
});

export const ResetEmailTemplate = defineOperation({
  pattern: 'notifications.email-templates.delete',
  summary: 'Reset an email template',
  description: 'Deletes the override; the default applies again.',
  permission: PERMISSION,
  route: { method: 'DELETE', path: 'email-templates/:id', status: 204 },
  params: TemplateIdParams,
  errors: [NO_TEMPLATE],
});

export const PreviewEmailTemplate = defineOperation({
  pattern: 'notifications.email-templates.preview',
  summary: 'Preview an email template',
  description: 'Renders the saved template, or the draft given, with the data over the template’s sample data. Sends nothing.',
  permission: PERMISSION,
  route: { method: 'POST', path: 'email-templates/:id/preview', status: 200 },
  params: TemplateIdParams,
  input: PreviewEmailTemplateBody,
  output: RenderedEmail,
  errors: [NO_TEMPLATE, TEMPLATE_REFUSED],
});

export const EMAIL_TEMPLATE_OPERATIONS = [
  ListEmailTemplates,
  GetEmailTemplate,
  CreateEmailTemplate,
  UpdateEmailTemplate,
  ResetEmailTemplate,
  PreviewEmailTemplate,
] as const;
