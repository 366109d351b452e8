import type { ErrorDetail } from '@kinship/messaging';
import Handlebars from 'handlebars';
import { convert } from 'html-to-text';

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

/** Finds what a workspace's template may not use: unescaped output, and partials (none exist). */
class UnsafeConstructFinder extends Handlebars.Visitor {
  issues: string[] = [];

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
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.slice(0, 300);
}

/** Why a template source would not render, as a 422 detail naming the field; null when it is fine. */
export function templateProblem(field: 'subject' | 'body', source: string): ErrorDetail | null {
  let program: hbs.AST.Program;
  try {
    program = handlebars.parse(source);
    handlebars.precompile(source, COMPILE_OPTIONS);
  } catch (error) {
    return { field, issue: `is not a valid Handlebars template: ${firstLine((error as Error).message)}` };
  }
  const finder = new UnsafeConstructFinder();
  finder.accept(program);
  return finder.issues.length > 0 ? { field, issue: finder.issues[0]! } : null;
}

/**
 * Fills a template in. Placeholders in the body are HTML-escaped; the subject is a plain-text
 * header, so it is not (nodemailer encodes it), but it is kept to one line.
 */
export function renderEmail(template: TemplateSource, data: Record<string, unknown>): RenderedEmail {
  const subject = handlebars
    .compile(template.subject, { ...COMPILE_OPTIONS, noEscape: true })(data)
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, SUBJECT_MAX);
  const html = handlebars.compile(template.body, COMPILE_OPTIONS)(data);
  return { subject, html, text: htmlToText(html) };
}

export function htmlToText(html: string): string {
  return convert(html, { wordwrap: 100 });
}
