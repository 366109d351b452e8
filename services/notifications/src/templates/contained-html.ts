import { DomUtils, parseDocument } from 'htmlparser2';

/**
 * Elements a security email's workspace body may not keep: those that load or run code or
 * styles with selectors (a stylesheet can probe the link's href), submit or frame content, and
 * those whose content browsers parse differently (raw text, foreign content), which could make a
 * mail client read what follows them differently from this parser.
 */
const DROPPED_ELEMENTS: ReadonlySet<string> = new Set([
  'base',
  'button',
  'embed',
  'form',
  'frame',
  'frameset',
  'iframe',
  'input',
  'link',
  'math',
  'meta',
  'noembed',
  'noframes',
  'noscript',
  'object',
  'plaintext',
  'script',
  'select',
  'style',
  'svg',
  'template',
  'textarea',
  'title',
  'xmp',
]);

/**
 * A workspace's HTML re-serialised as a closed fragment: every tag, attribute value and comment it
 * left open is closed (or dropped), so what Kinship appends after it (a security email's link
 * block) cannot end up inside one of its attributes, e.g. an `<img src="https://…?` that would
 * send the link to another server. Text, inline styles, images and links stay: wording and branding.
 */
export function containedHtml(html: string): string {
  const document = parseDocument(html);
  for (const element of DomUtils.findAll((node) => DROPPED_ELEMENTS.has(node.name.toLowerCase()), document.children)) DomUtils.removeElement(element);
  return DomUtils.getOuterHTML(document, { encodeEntities: 'utf8' });
}
