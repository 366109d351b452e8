import { TEMPLATE_KEYS, type TemplateKey } from '@kinship/contracts/notifications';

export { TEMPLATE_KEYS, type TemplateKey };

export function isTemplateKey(value: unknown): value is TemplateKey {
  return typeof value === 'string' && (TEMPLATE_KEYS as readonly string[]).includes(value);
}

/** A template as shipped: Handlebars subject (plain text) and body (HTML), and what it is given. */
export interface DefaultTemplate {
  key: TemplateKey;
  name: string;
  description: string;
  subject: string;
  body: string;
  /** One example of every placeholder the template is given: the variables list, and the preview's data. */
  sampleData: Record<string, string>;
  /** Security templates: the one-time link, which Kinship places itself (see ActionLink). */
  action?: ActionLink;
}

/**
 * The one-time link of a security email. Its variable is never given to the template (default or
 * override): the renderer appends it to the body in a fixed block, so a workspace's template can
 * change the wording and branding around it but cannot place it anywhere else (the subject, the
 * message log, an image URL).
 */
export interface ActionLink {
  /** The data key holding the URL, e.g. resetUrl. */
  variable: string;
  /** The link's text, e.g. "Reset my password". */
  label: string;
}

/** Whether messages of this template carry a one-time sign-in link (their content is dropped once sent). */
export function holdsOneTimeLink(templateKey: string): boolean {
  return SECURITY_TEMPLATE_KEYS.has(templateKey);
}

/** Sent whatever the recipient's preferences say: they carry sign-in links the user asked for. */
export const SECURITY_TEMPLATE_KEYS: ReadonlySet<string> = new Set<TemplateKey>(['invitation', 'password_reset', 'email_verification']);
