import Handlebars from 'handlebars';
import { convert } from 'html-to-text';
import { htmlToText } from '../templates/template-renderer.js';
import type { CampaignChannel } from './campaign.record.js';

const SUBJECT_MAX = 300;

/** A Handlebars environment of campaigns alone; only the built-in helpers, as in the core's templates. */
const handlebars = Handlebars.create();
const COMPILE_OPTIONS = { knownHelpersOnly: true } as const;

/** Added to an email body that does not place {{unsubscribeUrl}} itself: every campaign email carries the link. */
const EMAIL_FOOTER = `<p style="margin-top:32px;font-size:12px;color:#6b7280">You receive this email because you are in our contacts. <a href="{{unsubscribeUrl}}">Unsubscribe</a></p>`;
const SMS_FOOTER = `\nOpt out: {{unsubscribeUrl}}`;

/** As the core's htmlToText, but headings keep their case, so placeholders in them survive the conversion. */
const TEMPLATE_TO_TEXT = {
  wordwrap: 100,
  selectors: ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
};

/**
 * The plain-text part as a template of its own, converted from the HTML template once instead of
 * from each rendered email (html-to-text costs more than sending). null when the converted text
 * does not compile; each email is then converted on its own.
 */
function textTemplateOf(html: string): HandlebarsTemplateDelegate | null {
  try {
    const template = handlebars.compile(convert(html, TEMPLATE_TO_TEXT), { ...COMPILE_OPTIONS, noEscape: true });
    template({});
    return template;
  } catch {
    return null;
  }
}

export interface RenderedCampaignMessage {
  subject: string;
  /** HTML for email; for SMS, the text. */
  html: string;
  text: string;
}

function placesUnsubscribeLink(source: string): boolean {
  return /\{\{\s*unsubscribeUrl\s*\}\}/.test(source);
}

/**
 * A campaign's subject and body compiled once and filled in per recipient. The body's
 * placeholders are HTML-escaped (email) and the subject is kept to one line; SMS text is not
 * escaped (it is not HTML).
 */
export class CampaignContent {
  private readonly subject: HandlebarsTemplateDelegate;
  private readonly body: HandlebarsTemplateDelegate;
  private readonly text: HandlebarsTemplateDelegate | null;

  constructor(
    readonly channel: CampaignChannel,
    source: { subject: string | null; body: string },
  ) {
    this.subject = handlebars.compile(source.subject ?? '', { ...COMPILE_OPTIONS, noEscape: true });
    const footer = placesUnsubscribeLink(source.body) ? '' : channel === 'email' ? EMAIL_FOOTER : SMS_FOOTER;
    this.body = handlebars.compile(source.body + footer, { ...COMPILE_OPTIONS, noEscape: channel === 'sms' });
    this.text = channel === 'email' ? textTemplateOf(source.body + footer) : null;
  }

  render(fields: Record<string, unknown>, unsubscribeUrl: string): RenderedCampaignMessage {
    const data = { ...fields, unsubscribeUrl };
    const subject = this.subject(data).replace(/\s+/g, ' ').trim().slice(0, SUBJECT_MAX);
    const body = this.body(data);
    if (this.channel === 'sms') return { subject, html: body, text: body.trim() };
    return { subject, html: body, text: this.text ? this.text(data).trim() : htmlToText(body) };
  }
}
