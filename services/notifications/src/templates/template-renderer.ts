import type { ErrorDetail } from '@kinship/messaging';
import Handlebars from 'handlebars';
import { convert } from 'html-to-text';
import type { ActionLink } from './default-template.js';
import { containedHtml } from './contained-html.js';

/** What an email looks like once its template is filled in. */
export interface RenderedEmail {
  subject: string;
  html: string;
  /** The plain-text part, generated from the HTML (links kept as `text [url]`). */
  text: string;
}

export interface TemplateSource {
  subject: string;
  body: string;
}

/** A Handlebars environment of our own: no helper or partial registered elsewhere reaches it. */
const handlebars = Handlebars.create();

/** Only the built-in helpers (if, each, with, unless, lookup, log): an unknown one is an error at save time, not at send time. */
const COMPILE_OPTIONS = { knownHelpersOnly: true } as const;
const SUBJECT_MAX = 300;

/**
 * Finds what a workspace's template may not use: unescaped output, partials (none exist), and the
 * one-time link of a security template, however it is reached (`{{resetUrl}}`, `{{this.resetUrl}}`,
 * `{{lookup this "resetUrl"}}`). The link is not in the data such a template gets anyway; the
 * refusal tells the admin so instead of sending a link-less email.
 */
class UnsafeConstructFinder extends Handlebars.Visitor {
  issues: string[] = [];

  constructor(private readonly action: ActionLink | undefined) {
    super();
  }

  override PathExpression(path: hbs.AST.PathExpression): void {
    if (this.action && path.parts.includes(this.action.variable)) this.issues.push(this.actionIssue());
    super.PathExpression(path);
  }

  override StringLiteral(literal: hbs.AST.StringLiteral): void {
    if (this.action && literal.value === this.action.variable) this.issues.push(this.actionIssue());
    super.StringLiteral(literal);
  }

  override MustacheStatement(mustache: hbs.AST.MustacheStatement): void {
    if (!mustache.escaped) this.issues.push('must not use unescaped output ({{{…}}} or {{&…}}): placeholders are always escaped');
    super.MustacheStatement(mustache);
  }

  override PartialStatement(partial: hbs.AST.PartialStatement): void {
    this.issues.push('must not use partials ({{> …}})');
    super.PartialStatement(partial);
  }

  override PartialBlockStatement(partial: hbs.AST.PartialBlockStatement): void {
    this.issues.push('must not use partials ({{#> …}})');
    super.PartialBlockStatement(partial);
  }

  private actionIssue(): string {
    return `must not use {{${this.action!.variable}}}: Kinship adds the one-time link itself, below the body`;
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.slice(0, 300);
}

/** Why a template source would not render, as a 422 detail naming the field; null when it is fine. */
export function templateProblem(field: 'subject' | 'body', source: string, action?: ActionLink): ErrorDetail | null {
  let program: hbs.AST.Program;
  try {
    program = handlebars.parse(source);
    handlebars.precompile(source, COMPILE_OPTIONS);
  } catch (error) {
    return { field, issue: `is not a valid Handlebars template: ${firstLine((error as Error).message)}` };
  }
  const finder = new UnsafeConstructFinder(action);
  finder.accept(program);
  return finder.issues.length > 0 ? { field, issue: finder.issues[0]! } : null;
}

/**
 * Fills a template in. Placeholders in the body are HTML-escaped; the subject is a plain-text
 * header, so it is not (nodemailer encodes it), but it is kept to one line.
 *
 * With an action (security templates), the template is given the data without the one-time link;
 * its rendered body is contained (see containedHtml) and the link follows in a fixed block.
 */
export function renderEmail(template: TemplateSource, data: Record<string, unknown>, action?: ActionLink): RenderedEmail {
  const templateData = action ? withoutKey(data, action.variable) : data;
  const subject = handlebars
    .compile(template.subject, { ...COMPILE_OPTIONS, noEscape: true })(templateData)
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, SUBJECT_MAX);
  const body = handlebars.compile(template.body, COMPILE_OPTIONS)(templateData);
  const html = action ? `${containedHtml(body)}\n${actionBlock(action, data[action.variable])}` : body;
  return { subject, html, text: htmlToText(html) };
}

function withoutKey(data: Record<string, unknown>, key: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([name]) => name !== key));
}

/** For a double-quoted attribute; unlike Handlebars' escaping it leaves a URL's `=` readable. */
function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function actionBlock(action: ActionLink, url: unknown): string {
  const href = escapeAttribute(String(url));
  return `<p style="margin:24px 0"><a href="${href}" style="display:inline-block;padding:10px 18px;background:#1d4ed8;color:#ffffff;border-radius:6px;text-decoration:none">${handlebars.escapeExpression(action.label)}</a></p>`;
}

export function htmlToText(html: string): string {
  return convert(html, { wordwrap: 100 });
}
